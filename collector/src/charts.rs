//! The dashboard's charts, drawn on the server as inline SVG so the page needs no script.

use maud::{Markup, html};

use crate::store::DayPoint;

/// Bars for ratings 1 to 5, labelled with their counts.
pub fn rating_bars(distribution: &[i64; 5]) -> Markup {
    let max = distribution.iter().copied().max().unwrap_or(0).max(1);
    let (width, height, bar, gap) = (300.0, 140.0, 44.0, 14.0);
    let plot = height - 36.0;
    html! {
        svg class="chart" viewBox=(format!("0 0 {width} {height}")) role="img" aria-label="Responses per rating" {
            @for (i, count) in distribution.iter().enumerate() {
                @let x = gap / 2.0 + f64::from(u8::try_from(i).unwrap_or(0)) * (bar + gap);
                @let h = plot * ratio(*count, max);
                @let y = plot - h + 16.0;
                rect class={"bar r" (i + 1)} x=(x) y=(y) width=(bar) height=(h.max(1.0)) rx="3" {}
                text x=(x + bar / 2.0) y=(y - 4.0) text-anchor="middle" { (count) }
                text x=(x + bar / 2.0) y=(height - 4.0) text-anchor="middle" { (i + 1) "★" }
            }
        }
    }
}

/// Average rating per day, on a 1 to 5 axis.
pub fn trend_line(points: &[DayPoint]) -> Markup {
    let (width, height, left, top, bottom) = (300.0, 140.0, 22.0, 10.0, 22.0);
    let plot_w = width - left - 8.0;
    let plot_h = height - top - bottom;
    let step = if points.len() > 1 { plot_w / (points.len() - 1) as f64 } else { 0.0 };
    let y_of = |avg: f64| top + plot_h * (5.0 - avg.clamp(1.0, 5.0)) / 4.0;
    let coords: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", left + step * i as f64, y_of(p.average)))
        .collect();
    html! {
        svg class="chart" viewBox=(format!("0 0 {width} {height}")) role="img" aria-label="Average rating per day" {
            @for level in 1..=5u8 {
                @let y = y_of(f64::from(level));
                line class="grid" x1=(left) x2=(width - 8.0) y1=(y) y2=(y) {}
                text x="4" y=(y + 4.0) { (level) }
            }
            @if points.len() == 1 {
                circle class="point" cx=(left) cy=(y_of(points[0].average)) r="3" {}
            } @else if !points.is_empty() {
                polyline class="line" points=(coords.join(" ")) {}
            }
            @if let (Some(first), Some(last)) = (points.first(), points.last()) {
                text x=(left) y=(height - 4.0) { (first.day) }
                text x=(width - 8.0) y=(height - 4.0) text-anchor="end" { (last.day) }
            }
        }
    }
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^53
fn ratio(count: i64, max: i64) -> f64 {
    count as f64 / max as f64
}
