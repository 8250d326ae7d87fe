//! Breaking Chinese (mixed with Latin letters and digits) into lines, with the 避头尾 rules of
//! Chinese typesetting: no line starts with closing punctuation (、。，；：？！）》」 …) and none
//! ends with opening punctuation (（《「 …). Each CJK character is a break opportunity; a Latin
//! word or a number stays whole unless it is wider than the line. Widths come from the caller
//! (the font's advances), so the same code serves any font and size.

/// Characters that may not begin a line.
pub const NO_LINE_START: &str = "、。，．；：？！）》」』】〕〉”’…—～·%‰℃,.;:?!)]}»";

/// Characters that may not end a line.
pub const NO_LINE_END: &str = "（《「『【〔〈“‘([{«￥¥$";

fn no_start(c: char) -> bool {
    NO_LINE_START.contains(c)
}

fn no_end(c: char) -> bool {
    NO_LINE_END.contains(c)
}

/// Latin letters, digits and the marks that belong inside a word or number (2,399.00, e-mail).
fn wordish(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '.' | ',' | '-' | '/' | '_' | '@' | '#' | '+' | '\'' | ':')
}

/// One unbreakable piece of text.
#[derive(Debug, Clone)]
struct Token {
    text: String,
    width: f32,
    /// A space: a break opportunity that vanishes at a line's edges.
    space: bool,
}

fn tokens(text: &str, width: &dyn Fn(char) -> f32) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Token>| {
        if !word.is_empty() {
            let w = word.chars().map(width).sum();
            out.push(Token { text: std::mem::take(word), width: w, space: false });
        }
    };
    for c in text.chars() {
        if c == '\n' || c == '\r' {
            continue;
        }
        if c.is_ascii_alphanumeric() || (!word.is_empty() && wordish(c)) {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut out);
        out.push(Token { text: c.to_string(), width: width(c), space: c == ' ' });
    }
    flush(&mut word, &mut out);
    out
}

/// A line as laid out: its text and width.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub width: f32,
}

/// Breaks `text` into lines no wider than `max` (the first `first_indent` narrower), honouring
/// 避头尾. `width` gives each character's advance at the size in use.
pub fn break_lines(
    text: &str,
    max: f32,
    first_indent: f32,
    width: &dyn Fn(char) -> f32,
) -> Vec<Line> {
    let mut toks = tokens(text, width);
    // A word wider than a whole line is split into pieces that fit.
    let mut i = 0;
    while i < toks.len() {
        if toks[i].width > max - first_indent && toks[i].text.chars().count() > 1 {
            let mut pieces = Vec::new();
            let mut piece = String::new();
            let mut w = 0.0;
            for c in toks[i].text.chars() {
                let cw = width(c);
                if w + cw > max - first_indent && !piece.is_empty() {
                    // Keep a closing mark (the point of 2,399.00) off the next piece's start.
                    let mut moved = String::new();
                    if no_start(c) && piece.chars().count() > 1 {
                        moved = piece.pop().map(String::from).unwrap_or_default();
                    }
                    let pw = piece.chars().map(width).sum();
                    pieces.push(Token {
                        text: std::mem::take(&mut piece),
                        width: pw,
                        space: false,
                    });
                    w = moved.chars().map(width).sum();
                    piece = moved;
                }
                piece.push(c);
                w += cw;
            }
            pieces.push(Token { text: piece, width: w, space: false });
            let n = pieces.len();
            toks.splice(i..=i, pieces);
            i += n;
        } else {
            i += 1;
        }
    }

    let mut lines: Vec<Vec<Token>> = Vec::new();
    let mut line: Vec<Token> = Vec::new();
    let mut used = 0.0f32;
    let limit = |lines: &Vec<Vec<Token>>| if lines.is_empty() { max - first_indent } else { max };
    let mut k = 0;
    while k < toks.len() {
        let t = toks[k].clone();
        if line.is_empty() && t.space {
            k += 1; // no space at a line's start
            continue;
        }
        if used + t.width <= limit(&lines) + 1e-3 || line.is_empty() {
            used += t.width;
            line.push(t);
            k += 1;
            continue;
        }
        // `t` does not fit. Where to break so that neither rule is broken?
        let starts_bad = |tok: &Token| tok.text.chars().next().is_some_and(no_start);
        let ends_bad = |tok: &Token| tok.text.chars().last().is_some_and(no_end);
        // Move tokens down from the end of this line while the next line would start with a
        // forbidden character or this one would end with one (keep at least one token).
        // Spaces are transparent: what matters is the first visible token of the next line and
        // the last visible one of this.
        let mut carry: Vec<Token> = Vec::new();
        loop {
            let next_first = carry.iter().chain(std::iter::once(&t)).find(|x| !x.space);
            let this_last = line.iter().rev().find(|x| !x.space);
            let visible = line.iter().filter(|x| !x.space).count();
            let bad = next_first.is_some_and(starts_bad) || this_last.is_some_and(ends_bad);
            if !bad || visible <= 1 {
                break;
            }
            carry.insert(0, line.pop().expect("non-empty"));
        }
        while line.last().is_some_and(|x| x.space) {
            line.pop();
        }
        lines.push(std::mem::take(&mut line));
        used = 0.0;
        for c in carry {
            if line.is_empty() && c.space {
                continue;
            }
            used += c.width;
            line.push(c);
        }
    }
    while line.last().is_some_and(|x| x.space) {
        line.pop();
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
        .into_iter()
        .map(|l| Line {
            width: l.iter().map(|t| t.width).sum(),
            text: l.into_iter().map(|t| t.text).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Full-width characters one em, Latin half an em (a fair model of Noto CJK at size 1).
    fn w(c: char) -> f32 {
        if c.is_ascii() {
            0.5
        } else {
            1.0
        }
    }

    #[test]
    fn punctuation_never_starts_a_line_and_brackets_never_end_one() {
        // 10 characters a line: the full stop would start line 2, so 品 moves down with it.
        let lines = break_lines("消费者反映购买的燃气热水器质量。", 10.0, 0.0, &w);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["消费者反映购买的燃气", "热水器质量。"]);
        let lines = break_lines("一二三四五六七八九（十）", 10.0, 0.0, &w);
        assert!(!lines[0].text.ends_with('（'), "{lines:?}");
        assert!(lines.iter().all(|l| l.width <= 10.0));
    }

    #[test]
    fn latin_words_and_numbers_stay_whole_and_the_first_line_is_indented() {
        let lines = break_lines("补偿金额为2,399.00元，订单号HY20261120", 8.0, 2.0, &w);
        assert!(lines.iter().any(|l| l.text.contains("2,399.00")), "{lines:?}");
        assert!(lines[0].width <= 6.0);
        let joined: String = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(joined, "补偿金额为2,399.00元，订单号HY20261120");
    }

    /// Text as it is written: runs of Chinese, each perhaps opened by a bracket and closed by
    /// a mark or two (。” or ）。), Latin words and numbers, spaces between Latin words.
    fn mixed() -> impl Strategy<Value = String> {
        let clause = (
            proptest::option::of("[（《「“]"),
            "[一-龥]{1,8}",
            proptest::option::of("[，。、；：？！…]"),
            proptest::option::of("[）》」”]"),
        )
            .prop_map(|(open, body, mark, close)| {
                format!(
                    "{}{body}{}{}",
                    open.unwrap_or_default(),
                    close.unwrap_or_default(),
                    mark.unwrap_or_default()
                )
            });
        let pieces = prop_oneof![
            6 => clause,
            1 => "[A-Za-z]{1,12}( [A-Za-z]{1,8})?",
            1 => "[0-9]{1,8}(\\.[0-9]{2})?",
        ];
        proptest::collection::vec(pieces, 1..60).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn no_line_breaks_the_rules_or_overflows(text in mixed(), max in 6.0f32..30.0) {
            let lines = break_lines(&text, max, 2.0, &w);
            for (i, line) in lines.iter().enumerate() {
                let limit = if i == 0 { max - 2.0 } else { max };
                prop_assert!(line.width <= limit + 1e-3, "line {i} {:?} is {} wide, limit {limit}", line.text, line.width);
                // A single character wider than the line cannot be helped; nothing else may
                // break the rules, unless the line is one unbreakable piece.
                let first = line.text.chars().next();
                if i > 0 && line.text.chars().count() > 1 {
                    prop_assert!(!first.is_some_and(no_start), "line {i} starts with {:?}: {:?}", first, lines);
                }
                if i + 1 < lines.len() && line.text.chars().count() > 1 {
                    prop_assert!(!line.text.chars().last().is_some_and(no_end), "line {i} ends with an opening mark: {:?}", lines);
                }
            }
            let joined: String = lines.iter().map(|l| l.text.as_str()).collect();
            let without_spaces = |s: &str| s.chars().filter(|c| *c != ' ').collect::<String>();
            prop_assert_eq!(without_spaces(&joined), without_spaces(&text));
        }
    }
}
