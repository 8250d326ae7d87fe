//! A small layout engine for print-ready documents on printpdf: A4 pages with margins, running
//! header and footer ("第 x 页 共 y 页"), paragraphs broken with 避头尾 and justified as Chinese
//! print is, tables that split across pages and repeat their header row, vector rules, images
//! and a seal laid under the signature. Two passes: blocks are laid out into positioned items
//! page by page, then the pages are written once the page count is known.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use printpdf::{
    Color, Line as PdfLine, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Polygon, PolygonRing, Pt, RawImage, Rect, Rgb, TextItem, WindingOrder,
    XObjectTransform,
};

use super::chart::{Chart, Shape};
use super::fonts::{Face, FontSet};
use super::linebreak::{break_lines, Line};
use crate::error::{CoreError, CoreResult};

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;
pub const A4: (f32, f32) = (210.0 * MM, 297.0 * MM);

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Colour(pub f32, pub f32, pub f32);

impl Colour {
    pub const BLACK: Colour = Colour(0.0, 0.0, 0.0);
    pub const GREY: Colour = Colour(0.4, 0.4, 0.4);
    pub const LIGHT: Colour = Colour(0.92, 0.92, 0.92);
    /// The red of a 红头文件's masthead and rule.
    pub const RED: Colour = Colour(0.85, 0.0, 0.0);

    fn pdf(self) -> Color {
        Color::Rgb(Rgb { r: self.0, g: self.1, b: self.2, icc_profile: None })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Centre,
    Right,
    /// Both edges straight; the last line of a paragraph is set left.
    Justify,
}

/// How a run of text is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub face: Face,
    /// Font size, pt.
    pub size: f32,
    /// Distance from one line to the next, pt.
    pub leading: f32,
    pub align: Align,
    /// First-line indent, in characters (ems).
    pub indent: f32,
    /// Space added after every character, pt (negative tightens: GB/T 9704's 28 per line).
    pub tracking: f32,
    pub colour: Colour,
}

impl Style {
    pub fn new(face: Face, size: f32) -> Self {
        Self {
            face,
            size,
            leading: size * 1.75,
            align: Align::Justify,
            indent: 0.0,
            tracking: 0.0,
            colour: Colour::BLACK,
        }
    }
    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }
    pub fn indent(mut self, ems: f32) -> Self {
        self.indent = ems;
        self
    }
    pub fn leading(mut self, pt: f32) -> Self {
        self.leading = pt;
        self
    }
    pub fn tracking(mut self, pt: f32) -> Self {
        self.tracking = pt;
        self
    }
    pub fn colour(mut self, colour: Colour) -> Self {
        self.colour = colour;
        self
    }
    /// The first-line indent in pt: so many characters as set (tracking included).
    pub fn indent_pt(&self) -> f32 {
        self.indent * (self.size + self.tracking)
    }
}

/// A decoded image (PNG or JPEG), shared by every page that shows it.
pub struct Image {
    raw: RawImage,
}

impl Image {
    pub fn decode(bytes: &[u8]) -> CoreResult<Arc<Image>> {
        let raw = RawImage::decode_from_bytes(bytes, &mut Vec::new())
            .map_err(|e| CoreError::Internal(format!("image: {e}")))?;
        if raw.width == 0 || raw.height == 0 {
            return Err(CoreError::Internal("image: empty".into()));
        }
        Ok(Arc::new(Image { raw }))
    }

    /// Height for a given width, keeping the proportions.
    fn height_for(&self, width: f32) -> f32 {
        width * self.raw.height as f32 / self.raw.width as f32
    }
}

#[derive(Clone)]
pub struct Column {
    pub title: String,
    /// Share of the table's width.
    pub weight: f32,
    /// Overrides the table style's alignment for this column.
    pub align: Option<Align>,
}

#[derive(Clone)]
pub struct Table {
    pub columns: Vec<Column>,
    /// Shown at the top, and again at the top of every page the table continues on.
    pub header: bool,
    pub rows: Vec<Vec<String>>,
    pub style: Style,
    pub header_style: Style,
    /// Inner padding of a cell, pt.
    pub padding: f32,
    /// Ruled cells; without, the table only places text in columns (signature blocks).
    pub borders: bool,
}

#[derive(Clone)]
pub enum Block {
    Text {
        text: String,
        style: Style,
        /// Space above and below, pt.
        before: f32,
        after: f32,
        /// Never the last thing on a page (headings).
        keep_with_next: bool,
    },
    Table(Table),
    /// A horizontal line across the text block.
    Rule {
        thickness: f32,
        colour: Colour,
        before: f32,
        after: f32,
    },
    Image {
        image: Arc<Image>,
        width: f32,
        align: Align,
        before: f32,
        after: f32,
    },
    /// An image under the last line laid out (a seal over the signature and date), centred on
    /// it and moved by (dx, dy) pt; takes no space.
    Stamp {
        image: Arc<Image>,
        width: f32,
        dx: f32,
        dy: f32,
    },
    Space(f32),
    PageBreak,
    /// Blocks set at the foot of the text block (GB/T 9704's 版记), on a new page if they do
    /// not fit below what came before.
    AtFoot(Vec<Block>),
    /// A vector chart across the text block, moved whole to the next page if it does not fit.
    Chart(Chart),
    /// Marks the page the next line of text is set on (for a table of contents); takes no
    /// space.
    Anchor(String),
}

impl Block {
    pub fn text(text: impl Into<String>, style: Style) -> Self {
        Block::Text { text: text.into(), style, before: 0.0, after: 0.0, keep_with_next: false }
    }
    pub fn heading(text: impl Into<String>, style: Style, before: f32, after: f32) -> Self {
        Block::Text { text: text.into(), style, before, after, keep_with_next: true }
    }
    pub fn spaced(text: impl Into<String>, style: Style, before: f32, after: f32) -> Self {
        Block::Text { text: text.into(), style, before, after, keep_with_next: false }
    }
}

/// The running head of every page.
#[derive(Clone)]
pub struct RunningHead {
    pub left: String,
    pub right: String,
    pub logo: Option<Arc<Image>>,
}

#[derive(Clone)]
pub struct Document {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    pub created: DateTime<Utc>,
    /// Margins in mm: top, right, bottom, left.
    pub margins: (f32, f32, f32, f32),
    pub head: Option<RunningHead>,
    pub page_numbers: bool,
    pub blocks: Vec<Block>,
}

/// Something placed on a page. `y` is measured from the top of the page, in pt.
enum Item {
    Text {
        x: f32,
        baseline: f32,
        face: Face,
        size: f32,
        tracking: f32,
        colour: Colour,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        thickness: f32,
        colour: Colour,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Colour,
    },
    Image {
        image: Arc<Image>,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    Polygon {
        points: Vec<(f32, f32)>,
        colour: Colour,
    },
}

/// A document laid out: what each page holds, and the text written, in order.
pub struct Laid {
    pages: Vec<Vec<Item>>,
    /// Images under the text (seals), per page.
    under: Vec<Vec<Item>>,
    /// Each anchor's page, counted from 1.
    anchors: Vec<(String, usize)>,
}

impl Laid {
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The page (from 1) an anchor is on.
    pub fn anchor(&self, name: &str) -> Option<usize> {
        self.anchors.iter().find(|(n, _)| n == name).map(|(_, p)| *p)
    }

    /// Every line of text as it will be written, page by page (for checks).
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for page in &self.pages {
            let mut current: Option<(f32, String)> = None;
            for item in page {
                if let Item::Text { baseline, text, .. } = item {
                    match &mut current {
                        Some((b, s)) if (*b - baseline).abs() < 0.01 => s.push_str(text),
                        _ => {
                            if let Some((_, s)) = current.take() {
                                out.push(s);
                            }
                            current = Some((*baseline, text.clone()));
                        }
                    }
                }
            }
            if let Some((_, s)) = current {
                out.push(s);
            }
        }
        out
    }
}

struct Layout<'a> {
    fonts: &'a FontSet,
    left: f32,
    width: f32,
    top: f32,
    bottom: f32,
    y: f32,
    pages: Vec<Vec<Item>>,
    under: Vec<Vec<Item>>,
    /// The last line laid out: page, left and right edge, top.
    last_line: Option<(usize, f32, f32, f32, f32)>,
    anchors: Vec<(String, usize)>,
    /// Anchors waiting for the next line of text, whose page they take.
    pending: Vec<String>,
}

impl<'a> Layout<'a> {
    fn page(&mut self) -> &mut Vec<Item> {
        self.pages.last_mut().expect("a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.under.push(Vec::new());
        self.y = self.top;
    }

    fn at_top(&self) -> bool {
        (self.y - self.top).abs() < 0.01
    }

    fn room(&self) -> f32 {
        self.bottom - self.y
    }

    fn ensure(&mut self, height: f32) {
        if height > self.room() + 0.01 && !self.at_top() {
            self.new_page();
        }
    }

    fn char_width(&self, style: &Style, c: char) -> f32 {
        self.fonts.advance(style.face, c) * style.size + style.tracking
    }

    fn break_text(&self, text: &str, style: &Style, width: f32) -> Vec<Vec<Line>> {
        let w = |c: char| self.char_width(style, c);
        text.split('\n').map(|para| break_lines(para, width, style.indent_pt(), &w)).collect()
    }

    /// Puts one line at the current position (which the caller has checked has room).
    #[allow(clippy::too_many_arguments)]
    fn put_line(
        &mut self,
        line: &Line,
        style: &Style,
        x0: f32,
        width: f32,
        indent: f32,
        last: bool,
        top: f32,
    ) {
        let free = width - indent - line.width;
        // Justified lines take up the slack between Chinese characters; Latin words and
        // numbers keep their natural spacing.
        let stretchy = |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != ',';
        let gaps = line.text.chars().filter(|c| stretchy(*c)).count();
        let (x, extra) = match style.align {
            Align::Left => (x0 + indent, 0.0),
            Align::Centre => (x0 + indent + free / 2.0, 0.0),
            Align::Right => (x0 + indent + free, 0.0),
            Align::Justify if !last && gaps > 0 && free > 0.0 => {
                let per = free / gaps as f32;
                if per <= style.size * 0.5 {
                    (x0 + indent, per)
                } else {
                    (x0 + indent, 0.0)
                }
            }
            Align::Justify => (x0 + indent, 0.0),
        };
        let baseline = top + (style.leading - style.size) / 2.0 + style.size * 0.86;
        // One run per face and spacing: rare characters fall back to a face that has them.
        let mut run_x = x;
        let mut run = String::new();
        let mut run_key: Option<(Face, bool)> = None;
        let mut run_w = 0.0;
        let mut items = Vec::new();
        let tracking_of = |s: bool| style.tracking + if s { extra } else { 0.0 };
        for c in line.text.chars() {
            let key = (self.fonts.resolve(style.face, c), stretchy(c));
            if let Some(k) = run_key.filter(|k| *k != key) {
                items.push(Item::Text {
                    x: run_x,
                    baseline,
                    face: k.0,
                    size: style.size,
                    tracking: tracking_of(k.1),
                    colour: style.colour,
                    text: std::mem::take(&mut run),
                });
                run_x += run_w;
                run_w = 0.0;
            }
            run_key = Some(key);
            run.push(c);
            run_w += self.fonts.advance(style.face, c) * style.size + tracking_of(key.1);
        }
        if let Some(k) = run_key {
            items.push(Item::Text {
                x: run_x,
                baseline,
                face: k.0,
                size: style.size,
                tracking: tracking_of(k.1),
                colour: style.colour,
                text: run,
            });
        }
        let right = x + line.width + extra * gaps as f32;
        let page = self.pages.len() - 1;
        for name in std::mem::take(&mut self.pending) {
            self.anchors.push((name, page + 1));
        }
        self.last_line = Some((page, x, right, top, style.leading));
        self.page().extend(items);
    }

    fn text(&mut self, text: &str, style: &Style, before: f32, after: f32, keep: Option<f32>) {
        let paragraphs = self.break_text(text, style, self.width);
        if !self.at_top() {
            self.y += before;
        }
        let total_lines: usize = paragraphs.iter().map(Vec::len).sum();
        // A heading keeps its lines and the next block's first line together.
        if let Some(next) = keep {
            self.ensure(total_lines as f32 * style.leading + next);
        }
        for lines in paragraphs {
            let count = lines.len();
            for (i, line) in lines.iter().enumerate() {
                if style.leading > self.room() + 0.01 {
                    self.new_page();
                }
                let indent = if i == 0 { style.indent_pt() } else { 0.0 };
                let top = self.y;
                self.put_line(line, style, self.left, self.width, indent, i + 1 == count, top);
                self.y += style.leading;
            }
        }
        self.y += after;
    }

    fn rule(&mut self, thickness: f32, colour: Colour, before: f32, after: f32) {
        self.ensure(before + thickness);
        self.y += before;
        let (x1, x2, y) = (self.left, self.left + self.width, self.y);
        self.page().push(Item::Line { x1, y1: y, x2, y2: y, thickness, colour });
        self.y += thickness + after;
    }

    fn image(&mut self, image: &Arc<Image>, width: f32, align: Align, before: f32, after: f32) {
        let width = width.min(self.width);
        let h = image.height_for(width);
        self.ensure(before + h);
        self.y += before;
        let x = match align {
            Align::Centre => self.left + (self.width - width) / 2.0,
            Align::Right => self.left + self.width - width,
            _ => self.left,
        };
        let y = self.y;
        self.page().push(Item::Image { image: Arc::clone(image), x, y, w: width, h });
        self.y += h + after;
    }

    fn stamp(&mut self, image: &Arc<Image>, width: f32, dx: f32, dy: f32) {
        let Some((page, left, right, top, leading)) = self.last_line else { return };
        let h = image.height_for(width);
        let cx = (left + right) / 2.0 + dx;
        let cy = top + leading / 2.0 + dy;
        self.under[page].push(Item::Image {
            image: Arc::clone(image),
            x: cx - width / 2.0,
            y: cy - h / 2.0,
            w: width,
            h,
        });
    }

    fn table(&mut self, t: &Table) {
        // A borderless table is a block (signatures): it moves whole to the next page.
        if !t.borders {
            let h = self.table_height(t);
            if h > self.room() + 0.01 && h <= self.bottom - self.top {
                self.ensure(h);
            }
        }
        let total: f32 = t.columns.iter().map(|c| c.weight).sum::<f32>().max(f32::EPSILON);
        let widths: Vec<f32> = t.columns.iter().map(|c| self.width * c.weight / total).collect();
        let pad = t.padding;
        let aligns: Vec<Option<Align>> = t.columns.iter().map(|c| c.align).collect();
        let cells = |layout: &Self, row: &[String], style: &Style| -> Vec<Vec<Line>> {
            widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let text = row.get(i).map(String::as_str).unwrap_or("");
                    let style = Style { indent: 0.0, ..*style };
                    layout.break_text(text, &style, w - 2.0 * pad).concat()
                })
                .collect()
        };
        let header: Vec<String> = t.columns.iter().map(|c| c.title.clone()).collect();
        let header_cells = cells(self, &header, &t.header_style);
        let header_h = if t.header {
            header_cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32
                * t.header_style.leading
                + 2.0 * pad
        } else {
            0.0
        };
        let mut need_header = t.header;
        for row in &t.rows {
            let mut rest = cells(self, row, &t.style);
            loop {
                let lines = rest.iter().map(Vec::len).max().unwrap_or(1).max(1);
                let full = lines as f32 * t.style.leading + 2.0 * pad;
                let head = if need_header { header_h } else { 0.0 };
                // Move a row that fits on a page of its own rather than split it.
                let fresh_room = self.bottom - self.top - header_h;
                let too_tall = head + full > self.room() + 0.01;
                let cramped = self.room() < head + 2.0 * pad + t.style.leading;
                if too_tall && (full <= fresh_room || cramped) && !self.at_top() {
                    self.new_page();
                    need_header = t.header;
                }
                if need_header {
                    self.row(&aligns, &widths, &header_cells, &t.header_style, pad, Some(true));
                    need_header = false;
                }
                let fit = (((self.room() - 2.0 * pad) / t.style.leading).floor() as usize).max(1);
                if lines <= fit {
                    self.row(&aligns, &widths, &rest, &t.style, pad, t.borders.then_some(false));
                    break;
                }
                let now: Vec<Vec<Line>> =
                    rest.iter_mut().map(|c| c.drain(..fit.min(c.len())).collect()).collect();
                self.row(&aligns, &widths, &now, &t.style, pad, t.borders.then_some(false));
                self.new_page();
                need_header = t.header;
            }
        }
    }

    /// One row; `ruled`: `Some(header?)` draws the cell borders (and shades a header row).
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        aligns: &[Option<Align>],
        widths: &[f32],
        cells: &[Vec<Line>],
        style: &Style,
        pad: f32,
        ruled: Option<bool>,
    ) {
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = lines as f32 * style.leading + 2.0 * pad;
        let top = self.y;
        let (left, width) = (self.left, self.width);
        if ruled == Some(true) {
            self.page().push(Item::Fill { x: left, y: top, w: width, h, colour: Colour::LIGHT });
        }
        let mut x = left;
        for (i, w) in widths.iter().enumerate() {
            let align = aligns.get(i).copied().flatten().unwrap_or(style.align);
            let cell_style = Style { indent: 0.0, align, ..*style };
            if let Some(cell) = cells.get(i) {
                for (j, line) in cell.iter().enumerate() {
                    let line_top = top + pad + j as f32 * style.leading;
                    self.put_line(line, &cell_style, x + pad, w - 2.0 * pad, 0.0, true, line_top);
                }
            }
            x += w;
        }
        if ruled.is_none() {
            self.y += h;
            return;
        }
        let colour = Colour::BLACK;
        let thickness = 0.5;
        let page = self.page();
        page.push(Item::Line { x1: left, y1: top, x2: left + width, y2: top, thickness, colour });
        page.push(Item::Line {
            x1: left,
            y1: top + h,
            x2: left + width,
            y2: top + h,
            thickness,
            colour,
        });
        let mut x = left;
        page.push(Item::Line { x1: x, y1: top, x2: x, y2: top + h, thickness, colour });
        for w in widths {
            x += w;
            page.push(Item::Line { x1: x, y1: top, x2: x, y2: top + h, thickness, colour });
        }
        self.y += h;
    }

    fn chart(&mut self, chart: &Chart) {
        self.ensure(chart.height);
        let fonts = self.fonts;
        let measure = |t: &str, size: f32| {
            t.chars().map(|c| fonts.advance(Face::Sans, c) * size).sum::<f32>()
        };
        let shapes = super::chart::draw(chart, self.left, self.y, self.width, &measure);
        let items = shapes.into_iter().map(|shape| match shape {
            Shape::Text { x, baseline, size, colour, text } => {
                let style = Style::new(Face::Sans, size).colour(colour);
                text_item(fonts, &style, x, baseline, &text)
            }
            Shape::Line { x1, y1, x2, y2, thickness, colour } => {
                Item::Line { x1, y1, x2, y2, thickness, colour }
            }
            Shape::Rect { x, y, w, h, colour } => Item::Fill { x, y, w, h, colour },
            Shape::Polygon { points, colour } => Item::Polygon { points, colour },
        });
        let items: Vec<Item> = items.collect();
        self.page().extend(items);
        self.y += chart.height;
    }

    /// The height `blocks` take (for blocks set at the foot of the page).
    fn height_of(&self, blocks: &[Block]) -> f32 {
        let mut h = 0.0;
        for b in blocks {
            h += match b {
                Block::Text { text, style, before, after, .. } => {
                    let lines: usize =
                        self.break_text(text, style, self.width).iter().map(Vec::len).sum();
                    before + lines as f32 * style.leading + after
                }
                Block::Rule { thickness, before, after, .. } => before + thickness + after,
                Block::Image { image, width, before, after, .. } => {
                    before + image.height_for(width.min(self.width)) + after
                }
                Block::Space(s) => *s,
                Block::Table(t) => self.table_height(t),
                Block::Chart(c) => c.height,
                _ => 0.0,
            };
        }
        h
    }

    /// The height of a table laid out on one page.
    fn table_height(&self, t: &Table) -> f32 {
        let total: f32 = t.columns.iter().map(|c| c.weight).sum::<f32>().max(f32::EPSILON);
        let row = |cells: &[String], style: &Style| -> f32 {
            let lines = t
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let w = self.width * c.weight / total - 2.0 * t.padding;
                    let text = cells.get(i).map(String::as_str).unwrap_or("");
                    let style = Style { indent: 0.0, ..*style };
                    self.break_text(text, &style, w).iter().map(Vec::len).sum::<usize>()
                })
                .max()
                .unwrap_or(1)
                .max(1);
            lines as f32 * style.leading + 2.0 * t.padding
        };
        let header: Vec<String> = t.columns.iter().map(|c| c.title.clone()).collect();
        let head = if t.header { row(&header, &t.header_style) } else { 0.0 };
        head + t.rows.iter().map(|r| row(r, &t.style)).sum::<f32>()
    }

    fn first_line_height(&self, block: Option<&Block>) -> f32 {
        match block {
            Some(Block::Text { style, before, .. }) => before + style.leading,
            Some(Block::Table(t)) => t.header_style.leading + t.style.leading + 4.0 * t.padding,
            _ => 0.0,
        }
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for (i, block) in blocks.iter().enumerate() {
            match block {
                Block::Text { text, style, before, after, keep_with_next } => {
                    let keep = keep_with_next.then(|| self.first_line_height(blocks.get(i + 1)));
                    self.text(text, style, *before, *after, keep);
                }
                Block::Table(t) => self.table(t),
                Block::Rule { thickness, colour, before, after } => {
                    self.rule(*thickness, *colour, *before, *after);
                }
                Block::Image { image, width, align, before, after } => {
                    self.image(image, *width, *align, *before, *after);
                }
                Block::Stamp { image, width, dx, dy } => self.stamp(image, *width, *dx, *dy),
                Block::Space(s) => {
                    if !self.at_top() {
                        self.y = (self.y + s).min(self.bottom);
                    }
                }
                Block::PageBreak => self.new_page(),
                Block::Chart(chart) => self.chart(chart),
                Block::Anchor(name) => self.pending.push(name.clone()),
                Block::AtFoot(inner) => {
                    let h = self.height_of(inner);
                    if h > self.room() + 0.01 {
                        self.new_page();
                    }
                    self.y = (self.bottom - h).max(self.y);
                    self.blocks(inner);
                }
            }
        }
    }
}

/// Lays `doc` out.
pub fn lay_out(fonts: &FontSet, doc: &Document) -> Laid {
    let (top, right, bottom, left) = doc.margins;
    let mut layout = Layout {
        fonts,
        left: left * MM,
        width: A4.0 - (left + right) * MM,
        top: top * MM,
        bottom: A4.1 - bottom * MM,
        y: top * MM,
        pages: Vec::new(),
        under: Vec::new(),
        last_line: None,
        anchors: Vec::new(),
        pending: Vec::new(),
    };
    layout.new_page();
    layout.blocks(&doc.blocks);
    // A trailing page break leaves nothing behind.
    while layout.pages.len() > 1
        && layout.pages.last().is_some_and(Vec::is_empty)
        && layout.under.last().is_some_and(Vec::is_empty)
    {
        layout.pages.pop();
        layout.under.pop();
    }
    let count = layout.pages.len();
    // Running head and page numbers, now that the count is known.
    for (n, page) in layout.pages.iter_mut().enumerate() {
        let small = Style::new(Face::Serif, 9.0).leading(12.0).colour(Colour::GREY);
        let mut extra = Vec::new();
        if let Some(head) = &doc.head {
            let y = top * MM - 8.0 * MM;
            let mut x = left * MM;
            if let Some(logo) = &head.logo {
                let h = 9.0 * MM;
                let w = h * logo.raw.width as f32 / logo.raw.height as f32;
                extra.push(Item::Image { image: Arc::clone(logo), x, y: y - h + 2.0, w, h });
                x += w + 2.0 * MM;
            }
            extra.push(text_item(fonts, &small, x, y, &head.left));
            let rw: f32 = head.right.chars().map(|c| fonts.advance(small.face, c) * 9.0).sum();
            extra.push(text_item(fonts, &small, A4.0 - right * MM - rw, y, &head.right));
            let ry = y + 3.0;
            extra.push(Item::Line {
                x1: left * MM,
                y1: ry,
                x2: A4.0 - right * MM,
                y2: ry,
                thickness: 0.5,
                colour: Colour::GREY,
            });
        }
        if doc.page_numbers {
            let label = format!("第 {} 页 共 {} 页", n + 1, count);
            let w: f32 = label.chars().map(|c| fonts.advance(small.face, c) * 9.0).sum();
            let y = A4.1 - bottom * MM + 10.0 * MM;
            extra.push(text_item(fonts, &small, (A4.0 - w) / 2.0, y, &label));
        }
        page.extend(extra);
    }
    // Anchors no text followed point at the last page.
    let mut anchors = layout.anchors;
    anchors.extend(layout.pending.into_iter().map(|n| (n, count)));
    let anchors = anchors.into_iter().map(|(n, p)| (n, p.min(count))).collect();
    Laid { pages: layout.pages, under: layout.under, anchors }
}

fn text_item(fonts: &FontSet, style: &Style, x: f32, baseline: f32, text: &str) -> Item {
    let face = text.chars().map(|c| fonts.resolve(style.face, c)).next().unwrap_or(style.face);
    Item::Text {
        x,
        baseline,
        face,
        size: style.size,
        tracking: 0.0,
        colour: style.colour,
        text: text.to_owned(),
    }
}

fn pdf_date(t: DateTime<Utc>) -> printpdf::OffsetDateTime {
    printpdf::OffsetDateTime::from_unix_timestamp(t.timestamp())
        .unwrap_or_else(|_| printpdf::OffsetDateTime::now())
}

/// Writes a laid-out document: fonts subset, streams compressed.
pub fn write(fonts: &FontSet, doc: &Document, laid: &Laid) -> Vec<u8> {
    let mut pdf = PdfDocument::new(&doc.title);
    let info = &mut pdf.metadata.info;
    info.document_title = doc.title.clone();
    info.author = doc.author.clone();
    info.subject = doc.subject.clone();
    info.keywords = doc.keywords.clone();
    info.creator = "Redress 消费纠纷管理台".into();
    info.producer = "Redress (printpdf)".into();
    info.creation_date = pdf_date(doc.created);
    info.modification_date = pdf_date(doc.created);
    info.metadata_date = pdf_date(doc.created);

    // Only the faces the document uses are added (and then subset to the glyphs used).
    let mut font_ids = std::collections::HashMap::new();
    for page in laid.pages.iter().chain(laid.under.iter()) {
        for item in page {
            if let Item::Text { face, .. } = item {
                let face = fonts.actual(*face);
                font_ids.entry(face).or_insert_with(|| pdf.add_font(&fonts.face(face).font));
            }
        }
    }
    let mut image_ids: Vec<(*const Image, printpdf::XObjectId)> = Vec::new();
    let mut image_id = |pdf: &mut PdfDocument, image: &Arc<Image>| {
        let key = Arc::as_ptr(image);
        if let Some((_, id)) = image_ids.iter().find(|(k, _)| *k == key) {
            return id.clone();
        }
        let id = pdf.add_image(&image.raw);
        image_ids.push((key, id.clone()));
        id
    };
    let mut pages = Vec::with_capacity(laid.pages.len());
    for (items, under) in laid.pages.iter().zip(&laid.under) {
        let mut ops = Vec::new();
        for item in under.iter().chain(items.iter()) {
            match item {
                Item::Text { x, baseline, face, size, tracking, colour, text } => {
                    let Some(id) = font_ids.get(&fonts.actual(*face)) else { continue };
                    ops.push(Op::StartTextSection);
                    ops.push(Op::SetFillColor { col: colour.pdf() });
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(id.clone()),
                        size: Pt(*size),
                    });
                    ops.push(Op::SetCharacterSpacing { multiplier: *tracking });
                    ops.push(Op::SetTextCursor {
                        pos: Point { x: Pt(*x), y: Pt(A4.1 - baseline) },
                    });
                    ops.push(Op::ShowText { items: vec![TextItem::Text(text.clone())] });
                    ops.push(Op::EndTextSection);
                }
                Item::Line { x1, y1, x2, y2, thickness, colour } => {
                    ops.push(Op::SetOutlineColor { col: colour.pdf() });
                    ops.push(Op::SetOutlineThickness { pt: Pt(*thickness) });
                    ops.push(Op::DrawLine {
                        line: PdfLine {
                            points: vec![
                                LinePoint {
                                    p: Point { x: Pt(*x1), y: Pt(A4.1 - y1) },
                                    bezier: false,
                                },
                                LinePoint {
                                    p: Point { x: Pt(*x2), y: Pt(A4.1 - y2) },
                                    bezier: false,
                                },
                            ],
                            is_closed: false,
                        },
                    });
                }
                Item::Fill { x, y, w, h, colour } => {
                    ops.push(Op::SetFillColor { col: colour.pdf() });
                    ops.push(Op::DrawRectangle {
                        rectangle: Rect {
                            x: Pt(*x),
                            y: Pt(A4.1 - y - h),
                            width: Pt(*w),
                            height: Pt(*h),
                            mode: Some(PaintMode::Fill),
                            winding_order: Some(WindingOrder::NonZero),
                        },
                    });
                }
                Item::Polygon { points, colour } => {
                    ops.push(Op::SetFillColor { col: colour.pdf() });
                    let ring = points
                        .iter()
                        .map(|(x, y)| LinePoint {
                            p: Point { x: Pt(*x), y: Pt(A4.1 - y) },
                            bezier: false,
                        })
                        .collect();
                    ops.push(Op::DrawPolygon {
                        polygon: Polygon {
                            rings: vec![PolygonRing { points: ring }],
                            mode: PaintMode::Fill,
                            winding_order: WindingOrder::NonZero,
                        },
                    });
                }
                Item::Image { image, x, y, w, h } => {
                    let id = image_id(&mut pdf, image);
                    let dpi = image.raw.width as f32 * 72.0 / w.max(1.0);
                    ops.push(Op::UseXobject {
                        id,
                        transform: XObjectTransform {
                            translate_x: Some(Pt(*x)),
                            translate_y: Some(Pt(A4.1 - y - h)),
                            dpi: Some(dpi),
                            ..Default::default()
                        },
                    });
                }
            }
        }
        pages.push(PdfPage::new(Mm(210.0), Mm(297.0), ops));
    }
    let opts = PdfSaveOptions { subset_fonts: true, optimize: true, ..Default::default() };
    pdf.with_pages(pages).save(&opts, &mut Vec::new())
}

/// Lays out and writes `doc`: the PDF and its page count.
pub fn render(fonts: &FontSet, doc: &Document) -> (Vec<u8>, usize) {
    let laid = lay_out(fonts, doc);
    let pages = laid.page_count();
    (write(fonts, doc, &laid), pages)
}
