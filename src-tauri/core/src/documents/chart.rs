//! Vector charts for printed reports: horizontal bars (categories with long Chinese names),
//! lines (trends, one series per year) and pies (shares). A chart is drawn into a box as simple
//! shapes (text, lines, rectangles, polygons) that the layout engine places on the page; nothing
//! is rasterised, so charts print sharp and their labels copy out as text.

use super::pdf::Colour;

/// What is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// One bar per label, values of the first series; labels on the left.
    Bars,
    /// One line per series across the labels (x axis).
    Lines,
    /// One wedge per label, values of the first series; a legend with shares beside it.
    Pie,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub kind: ChartKind,
    pub title: String,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    /// Height of the whole chart, title included, pt.
    pub height: f32,
}

/// A shape in page coordinates (pt, y from the top of the page).
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Text { x: f32, baseline: f32, size: f32, colour: Colour, text: String },
    Line { x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32, colour: Colour },
    Rect { x: f32, y: f32, w: f32, h: f32, colour: Colour },
    Polygon { points: Vec<(f32, f32)>, colour: Colour },
}

/// The colours of series and wedges, in order: distinct in print and for common colour
/// blindness (after Okabe and Ito).
pub const PALETTE: [Colour; 8] = [
    Colour(0.0, 0.45, 0.70),
    Colour(0.90, 0.62, 0.0),
    Colour(0.0, 0.62, 0.45),
    Colour(0.80, 0.47, 0.65),
    Colour(0.34, 0.71, 0.91),
    Colour(0.84, 0.37, 0.0),
    Colour(0.94, 0.89, 0.26),
    Colour(0.5, 0.5, 0.5),
];

const AXIS: Colour = Colour(0.3, 0.3, 0.3);
const GRID: Colour = Colour(0.85, 0.85, 0.85);
const LABEL: f32 = 8.0;

/// A round step for an axis up to `max` in about `ticks` steps (1, 2 or 5 × 10ⁿ).
pub fn nice_step(max: f64, ticks: u32) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let raw = max / f64::from(ticks.max(1));
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    step.max(1.0)
}

/// A number as a label: whole numbers without decimals, others with one.
pub fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// Draws `chart` in the box at (`x`, `y`) of width `w` (its height is `chart.height`);
/// `measure` gives the width of a text at a size.
pub fn draw(
    chart: &Chart,
    x: f32,
    y: f32,
    w: f32,
    measure: &dyn Fn(&str, f32) -> f32,
) -> Vec<Shape> {
    let mut out = Vec::new();
    let title_size = 10.0;
    let tw = measure(&chart.title, title_size);
    out.push(Shape::Text {
        x: x + (w - tw) / 2.0,
        baseline: y + title_size,
        size: title_size,
        colour: Colour::BLACK,
        text: chart.title.clone(),
    });
    let top = y + title_size + 8.0;
    let h = chart.height - (top - y);
    let values: &[f64] = chart.series.first().map_or(&[], |s| &s.values);
    match chart.kind {
        ChartKind::Bars => bars(&mut out, &chart.labels, values, (x, top, w, h), measure),
        ChartKind::Lines => lines(&mut out, chart, (x, top, w, h), measure),
        ChartKind::Pie => pie(&mut out, &chart.labels, values, (x, top, w, h), measure),
    }
    out
}

fn bars(
    out: &mut Vec<Shape>,
    labels: &[String],
    values: &[f64],
    (x, y, w, h): (f32, f32, f32, f32),
    measure: &dyn Fn(&str, f32) -> f32,
) {
    let n = labels.len().max(1);
    let label_w =
        labels.iter().map(|l| measure(l, LABEL)).fold(0.0f32, f32::max).min(w * 0.35) + 6.0;
    let max = values.iter().copied().fold(0.0, f64::max);
    let value_w = measure(&number(max), LABEL) + 6.0;
    let plot_x = x + label_w;
    let plot_w = (w - label_w - value_w).max(10.0);
    let row = h / n as f32;
    let bar_h = (row * 0.65).min(14.0);
    out.push(Shape::Line {
        x1: plot_x,
        y1: y,
        x2: plot_x,
        y2: y + h,
        thickness: 0.6,
        colour: AXIS,
    });
    for (i, label) in labels.iter().enumerate() {
        let v = values.get(i).copied().unwrap_or(0.0);
        let cy = y + row * (i as f32 + 0.5);
        let baseline = cy + LABEL * 0.35;
        out.push(Shape::Text {
            x: plot_x - 4.0 - measure(label, LABEL).min(label_w - 6.0),
            baseline,
            size: LABEL,
            colour: Colour::BLACK,
            text: label.clone(),
        });
        let bw = if max > 0.0 { (v / max) as f32 * plot_w } else { 0.0 };
        out.push(Shape::Rect {
            x: plot_x,
            y: cy - bar_h / 2.0,
            w: bw,
            h: bar_h,
            colour: PALETTE[0],
        });
        out.push(Shape::Text {
            x: plot_x + bw + 3.0,
            baseline,
            size: LABEL,
            colour: AXIS,
            text: number(v),
        });
    }
}

fn lines(
    out: &mut Vec<Shape>,
    chart: &Chart,
    (x, y, w, h): (f32, f32, f32, f32),
    measure: &dyn Fn(&str, f32) -> f32,
) {
    let legend_h = if chart.series.len() > 1 { 14.0 } else { 0.0 };
    let max = chart.series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0, f64::max);
    let step = nice_step(max, 4);
    let top_value = (max / step).ceil().max(1.0) * step;
    let axis_w = measure(&number(top_value), LABEL) + 6.0;
    let (plot_x, plot_y) = (x + axis_w, y);
    let plot_w = w - axis_w - 4.0;
    let plot_h = h - LABEL - 8.0 - legend_h;
    let to_y = |v: f64| plot_y + plot_h - (v / top_value) as f32 * plot_h;
    let mut tick = 0.0;
    while tick <= top_value + 1e-9 {
        let ty = to_y(tick);
        out.push(Shape::Line {
            x1: plot_x,
            y1: ty,
            x2: plot_x + plot_w,
            y2: ty,
            thickness: 0.4,
            colour: GRID,
        });
        let label = number(tick);
        out.push(Shape::Text {
            x: plot_x - 3.0 - measure(&label, LABEL),
            baseline: ty + LABEL * 0.35,
            size: LABEL,
            colour: AXIS,
            text: label,
        });
        tick += step;
    }
    out.push(Shape::Line {
        x1: plot_x,
        y1: plot_y + plot_h,
        x2: plot_x + plot_w,
        y2: plot_y + plot_h,
        thickness: 0.6,
        colour: AXIS,
    });
    let n = chart.labels.len().max(1);
    let slot = plot_w / n as f32;
    let to_x = |i: usize| plot_x + slot * (i as f32 + 0.5);
    // Labels thinned so that they never overlap.
    let widest = chart.labels.iter().map(|l| measure(l, LABEL)).fold(0.0f32, f32::max) + 4.0;
    let every = ((widest / slot).ceil() as usize).max(1);
    for (i, label) in chart.labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
        out.push(Shape::Text {
            x: to_x(i) - measure(label, LABEL) / 2.0,
            baseline: plot_y + plot_h + LABEL + 3.0,
            size: LABEL,
            colour: AXIS,
            text: label.clone(),
        });
    }
    for (s, series) in chart.series.iter().enumerate() {
        let colour = PALETTE[s % PALETTE.len()];
        let points: Vec<(f32, f32)> =
            series.values.iter().enumerate().map(|(i, v)| (to_x(i), to_y(*v))).collect();
        for pair in points.windows(2) {
            out.push(Shape::Line {
                x1: pair[0].0,
                y1: pair[0].1,
                x2: pair[1].0,
                y2: pair[1].1,
                thickness: 1.4,
                colour,
            });
        }
        for (px, py) in &points {
            out.push(Shape::Rect { x: px - 1.6, y: py - 1.6, w: 3.2, h: 3.2, colour });
        }
    }
    if legend_h > 0.0 {
        let mut lx = plot_x;
        let ly = y + h - 4.0;
        for (s, series) in chart.series.iter().enumerate() {
            let colour = PALETTE[s % PALETTE.len()];
            out.push(Shape::Rect { x: lx, y: ly - 6.0, w: 10.0, h: 3.0, colour });
            out.push(Shape::Text {
                x: lx + 13.0,
                baseline: ly,
                size: LABEL,
                colour: Colour::BLACK,
                text: series.name.clone(),
            });
            lx += 13.0 + measure(&series.name, LABEL) + 14.0;
        }
    }
}

fn pie(
    out: &mut Vec<Shape>,
    labels: &[String],
    values: &[f64],
    (x, y, w, h): (f32, f32, f32, f32),
    measure: &dyn Fn(&str, f32) -> f32,
) {
    let total: f64 = values.iter().filter(|v| **v > 0.0).sum();
    let r = (h / 2.0 - 4.0).min(w * 0.22);
    let (cx, cy) = (x + r + 10.0, y + h / 2.0);
    let mut angle = -std::f64::consts::FRAC_PI_2;
    for (i, v) in values.iter().enumerate() {
        if *v <= 0.0 || total <= 0.0 {
            continue;
        }
        let sweep = v / total * std::f64::consts::TAU;
        let steps = ((sweep / 0.05).ceil() as usize).max(2);
        let mut points = vec![(cx, cy)];
        for k in 0..=steps {
            let a = angle + sweep * k as f64 / steps as f64;
            points.push((cx + r * a.cos() as f32, cy + r * a.sin() as f32));
        }
        out.push(Shape::Polygon { points, colour: PALETTE[i % PALETTE.len()] });
        angle += sweep;
    }
    // The legend: colour, label, count and share.
    let lx = cx + r + 18.0;
    let row = (h / labels.len().max(1) as f32).min(13.0);
    let start = cy - row * labels.len() as f32 / 2.0;
    for (i, label) in labels.iter().enumerate() {
        let v = values.get(i).copied().unwrap_or(0.0);
        let share = if total > 0.0 { v / total * 100.0 } else { 0.0 };
        let ly = start + row * (i as f32 + 0.5);
        out.push(Shape::Rect {
            x: lx,
            y: ly - 4.0,
            w: 8.0,
            h: 8.0,
            colour: PALETTE[i % PALETTE.len()],
        });
        let text = format!("{label}  {}（{share:.1}%）", number(v));
        let room = x + w - lx - 12.0;
        let text = if measure(&text, LABEL) > room { format!("{label} {share:.1}%") } else { text };
        out.push(Shape::Text {
            x: lx + 12.0,
            baseline: ly + LABEL * 0.35,
            size: LABEL,
            colour: Colour::BLACK,
            text,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(t: &str, size: f32) -> f32 {
        t.chars().count() as f32 * size
    }

    #[test]
    fn axes_step_in_round_numbers() {
        assert_eq!(nice_step(87.0, 4), 50.0);
        assert_eq!(nice_step(1_234.0, 4), 500.0);
        assert_eq!(nice_step(3.0, 4), 1.0);
        assert_eq!(number(12.0), "12");
        assert_eq!(number(12.25), "12.2");
    }

    #[test]
    fn bars_are_as_long_as_their_values_and_pies_close() {
        let chart = Chart {
            kind: ChartKind::Bars,
            title: "按类别".into(),
            labels: vec!["产品质量".into(), "售后服务".into()],
            series: vec![Series { name: "件数".into(), values: vec![40.0, 10.0] }],
            height: 120.0,
        };
        let rects: Vec<f32> = draw(&chart, 0.0, 0.0, 400.0, &measure)
            .into_iter()
            .filter_map(|s| match s {
                Shape::Rect { w, .. } => Some(w),
                _ => None,
            })
            .collect();
        assert_eq!(rects.len(), 2);
        assert!((rects[0] / rects[1] - 4.0).abs() < 1e-3);
        let pie = Chart { kind: ChartKind::Pie, ..chart };
        let shapes = draw(&pie, 0.0, 0.0, 400.0, &measure);
        let wedges = shapes.iter().filter(|s| matches!(s, Shape::Polygon { .. })).count();
        assert_eq!(wedges, 2);
        assert!(shapes
            .iter()
            .any(|s| matches!(s, Shape::Text { text, .. } if text.contains("80.0%"))));
    }
}
