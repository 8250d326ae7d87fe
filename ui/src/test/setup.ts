// jsdom lacks a few browser APIs that Ant Design uses for layout.
import { afterEach } from "vitest";
import { cleanup, configure } from "@testing-library/react";

afterEach(cleanup);

// Ant Design renders slowly in jsdom, slower still when every test file runs at once on two
// cores: wait up to 15 s for what a test looks for (the default 1 s made the suite flaky, and
// 5 s did on a CI machine half as fast as usual, where the whole Vitest run took 20 minutes).
configure({ asyncUtilTimeout: 15_000 });

Object.defineProperty(window, "matchMedia", {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  }),
});

class NoResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoResizeObserver as unknown as typeof ResizeObserver;

// Ant Design measures scrollbars through getComputedStyle with pseudo-elements, which jsdom
// does not implement; the plain form is enough for tests.
const computed = window.getComputedStyle.bind(window);
window.getComputedStyle = (elt: Element) => computed(elt);

// Ant Design's CSS-in-JS puts its style sheets into <head>, and jsdom then matches every rule
// of them against the element on each getComputedStyle — which antd calls whenever a table
// measures its scroll bar or a text area sizes itself. That was two thirds of the whole run.
// The tests look at the DOM and what it says, not at the styles: the sheets are kept in a
// detached element instead, outside the document.
const sheets = document.createElement("div");
const head = document.head;
const appendChild = head.appendChild.bind(head);
const insertBefore = head.insertBefore.bind(head);
head.appendChild = <T extends Node>(node: T): T => (node instanceof HTMLStyleElement ? sheets.appendChild(node) : appendChild(node));
head.insertBefore = <T extends Node>(node: T, child: Node | null): T =>
  node instanceof HTMLStyleElement ? sheets.insertBefore(node, child?.parentNode === sheets ? child : null) : insertBefore(node, child);
const removeChild = head.removeChild.bind(head);
head.removeChild = <T extends Node>(node: T): T => (node.parentNode === sheets ? sheets.removeChild(node) : removeChild(node));
