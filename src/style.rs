//! The widget's stylesheet, made for one configuration and adopted by its shadow root.
//!
//! Everything the widget looks like is here, so it needs no `style=` attribute or `<style>`
//! element and runs under a Content-Security-Policy without `'unsafe-inline'`.

use crate::config::{Config, Theme};
use crate::text::join;

/// Colours that meet WCAG AA (4.5:1 for text) on their background. Only the dialog uses them:
/// the launcher is drawn in the accent and its text colour, so its build ships none.
#[cfg(feature = "dialog")]
const LIGHT: &str = "--bg:#ffffff;--fg:#111827;--muted:#4b5563;--line:#6b7280;--field:#ffffff;--err:#b91c1c;--star:#b45309;";
#[cfg(feature = "dialog")]
const DARK: &str = "--bg:#1f2937;--fg:#f9fafb;--muted:#d1d5db;--line:#9ca3af;--field:#111827;--err:#fca5a5;--star:#fbbf24;";
#[cfg(not(feature = "dialog"))]
const LIGHT: &str = "";
#[cfg(not(feature = "dialog"))]
const DARK: &str = "";
/// The focus ring on dark backgrounds, the launcher's too: the accent may not show on them.
const DARK_FOCUS: &str = "--focus:#93c5fd";

/// What the launcher needs: every page with the widget downloads it.
const LAUNCHER: &str = "
:host{all:initial!important;display:block!important;position:fixed!important;inset:auto!important;width:0!important;height:0!important;margin:0!important;padding:0!important;border:0!important;z-index:2147483000!important;contain:none!important}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
.w{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg)}
button{font:inherit;color:inherit;margin:0}
[popover]{inset:auto;margin:0;overflow:visible}
.launcher{position:fixed;display:inline-flex;align-items:center;gap:6px;padding:10px 16px;border:0;border-radius:999px;background:var(--accent);color:var(--on-accent);font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);margin:env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left)}
:focus{outline:none}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
@media (pointer:coarse),(max-width:480px){.launcher{min-block-size:44px;min-inline-size:44px}}
@media (forced-colors:active){.launcher{border:2px solid ButtonText}:focus-visible{outline-color:Highlight}}
@media (prefers-reduced-transparency:reduce){.launcher{box-shadow:none}}
";

/// The dialog's look, shipped with the dialog's code, fetched when a visitor opens it.
#[cfg(feature = "dialog")]
const DIALOG: &str = "
input,textarea{font:inherit;color:inherit;margin:0}
.scale input:focus-visible+label{outline:3px solid var(--focus);outline-offset:2px}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}
.dialog{position:fixed;width:min(380px,calc(100vw - 32px));max-height:calc(100vh - 100px);overflow:auto;padding:18px;border-radius:12px;background:var(--bg);color:var(--fg);border:1px solid var(--line);box-shadow:0 12px 40px rgba(0,0,0,.3);animation:rise .16s ease-out}
@keyframes rise{from{opacity:0;transform:translateY(8px)}to{opacity:1;transform:none}}
.head{display:flex;align-items:flex-start;justify-content:space-between;gap:8px;margin:0 0 12px}
h2{margin:0;font-size:18px;line-height:1.3;font-weight:700}
.close{flex:none;width:32px;height:32px;border:0;border-radius:8px;background:transparent;font-size:22px;line-height:1;cursor:pointer}
.close:hover{background:rgba(127,127,127,.18)}
.scale{display:grid;grid-template-columns:repeat(5,1fr);gap:6px;margin:0 0 14px}
.scale input{position:absolute;opacity:0;width:1px;height:1px;margin:0;pointer-events:none}
.scale label{display:flex;flex-direction:column;align-items:center;gap:2px;padding:8px 1px;border:1px solid var(--line);border-radius:8px;cursor:pointer;text-align:center;font-size:12px;line-height:1.2;hyphens:auto;background:var(--field)}
.scale label b{font-size:18px}
.scale input:checked+label{background:var(--accent);color:var(--on-accent);border-color:var(--accent)}
.sr,.s-stars5 label span,.s-nps label span{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.s-thumbs{grid-template-columns:repeat(2,1fr)}
.s-thumbs label b,.s-emoji5 label b{font-size:26px}
.s-stars5 label b{font-size:28px;color:var(--line)}
.s-stars5 label{border-color:transparent;background:transparent}
.s-stars5:has(:checked) label b{color:var(--star)}
.s-stars5 :checked+label~label b{color:var(--line)}
.s-stars5 input:checked+label{background:transparent;color:inherit;border-color:var(--accent)}
.s-nps{grid-template-columns:repeat(11,1fr);gap:3px;margin-bottom:4px}
.s-nps label{padding:8px 0}
.anchors{display:flex;justify-content:space-between;color:var(--muted);font-size:12px;margin:0 0 14px}
.secondary{padding:9px 14px;border:1px solid var(--line);border-radius:8px;background:transparent;cursor:pointer}
.field{display:block;margin:0 0 12px}
.field>span{display:block;font-weight:600;margin:0 0 2px}
.hint{display:block;color:var(--muted);font-size:13px;margin:0 0 6px}
textarea,input[type=email]{display:block;width:100%;padding:8px 10px;border:1px solid var(--line);border-radius:8px;background:var(--field)}
textarea{min-height:96px;resize:vertical}
.counter{display:block;text-align:end;color:var(--muted);font-size:12px;margin-top:2px}
.actions{display:flex;gap:8px;justify-content:flex-end;align-items:center}
.primary{padding:9px 18px;border:0;border-radius:8px;background:var(--accent);color:var(--on-accent);font-weight:600;cursor:pointer}
.primary[aria-disabled=true]{cursor:progress}
.status{margin:0 0 10px;font-size:14px}
.status.thanks{font-size:17px;font-weight:600}
.error{color:var(--err);font-weight:600}
.done{display:block;margin:14px 0 0;margin-inline-start:auto}
.trap{position:absolute;inset-inline-start:-10000px;width:1px;height:1px;overflow:hidden}
@media (max-width:480px){.s-nps{grid-template-columns:repeat(6,1fr)}.s-nps+.anchors{margin-inline-end:calc((100% + 3px)/6)}}
.head{touch-action:none}
.actions{position:sticky;inset-block-end:0;padding-block:8px;background:var(--bg)}
.dialog{scroll-padding-block-end:72px;overflow-wrap:anywhere}
@media (max-width:480px){
.w .dialog{inset-inline:0;inset-block:auto var(--kb,0px);inline-size:auto;max-block-size:calc(100dvh - var(--kb,0px) - 8px - env(safe-area-inset-top));border-radius:0;border-start-start-radius:16px;border-start-end-radius:16px;border-inline-width:0;border-block-end-width:0;padding-block:6px calc(6px + env(safe-area-inset-bottom));padding-inline:max(16px,env(safe-area-inset-left),env(safe-area-inset-right));translate:0 var(--drag,0px)}
.head{flex-wrap:wrap}
.head::before{content:'';flex:0 0 100%;block-size:4px;margin-block:0 6px;background:var(--line);clip-path:inset(0 calc(50% - 18px) round 2px)}
}
@media (pointer:coarse),(max-width:480px){.close,.primary,.secondary{min-block-size:44px;min-inline-size:44px}.scale label,input[type=email]{min-block-size:44px}textarea,input{font-size:16px}}
@media (forced-colors:active){
.close,.primary,.secondary,.scale label,.s-stars5 label{border:1px solid ButtonText}
.w .scale input:checked+label{forced-color-adjust:none;background:Highlight;color:HighlightText;border:2px solid CanvasText}
.w .scale input:checked+label b{color:HighlightText}
.scale input:focus-visible+label{outline-color:Highlight}
}
@media (prefers-contrast:more){.w.w{--line:var(--fg);--muted:var(--fg)}.scale label,textarea,input[type=email],.secondary{border-width:2px}}
@media (prefers-reduced-transparency:reduce){.dialog{box-shadow:none}.close:hover{background:var(--line);color:var(--bg)}}
";

/// The complete stylesheet for `config`.
pub fn stylesheet(config: &Config) -> String {
    let accent = config.accent.css();
    let vars = join(&["--accent:", &accent, ";--on-accent:", config.accent.text_css(), ";--focus:", &accent, ";"]);
    // Computed here rather than left to `inset-inline-end`: a fixed box's logical insets follow
    // the page's direction, and the page may be written the other way from the widget.
    let (vertical, horizontal) = config.position.sides(config.lang.rtl());
    let (light, dark, dark_alone) = match config.theme {
        Theme::Light => (LIGHT, "", ""),
        Theme::Dark => ("", DARK, DARK_FOCUS),
        Theme::Auto => (LIGHT, "", ""),
    };
    // Dark colours for visitors whose system prefers them, when the theme is `auto`.
    let auto_dark = if config.theme == Theme::Auto { join(&["@media (prefers-color-scheme:dark){.w{", DARK, DARK_FOCUS, "}}"]) } else { String::new() };
    join(&[
        LAUNCHER,
        #[cfg(feature = "dialog")]
        DIALOG,
        ".w{",
        light,
        dark,
        &vars,
        dark_alone,
        "}",
        &auto_dark,
        ".launcher{",
        vertical,
        ":16px;",
        horizontal,
        ":16px}",
        #[cfg(feature = "dialog")]
        &join(&[".dialog{", vertical, ":68px;", horizontal, ":16px}"]),
    ])
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Source;

    fn config(entries: &[(&str, &str)]) -> Config {
        let mut all = vec![("endpoint", "/feedback")];
        all.extend_from_slice(entries);
        Config::parse(Source::Options, all, &[]).expect("valid").config
    }

    #[test]
    fn accent_and_readable_text_are_set() {
        let css = stylesheet(&config(&[("accent", "#ffcc00")]));
        assert!(css.contains("--accent:#ffcc00;--on-accent:#000000"), "{css}");
    }

    #[test]
    fn position_places_launcher_and_dialog_in_the_chosen_corner() {
        let css = stylesheet(&config(&[("position", "top-left")]));
        assert!(css.contains(".launcher{top:16px;left:16px}.dialog{top:68px;left:16px}"));
        let css = stylesheet(&config(&[]));
        assert!(css.contains(".launcher{bottom:16px;right:16px}"));
    }

    #[test]
    fn right_to_left_mirrors_the_default_corner_but_not_a_named_one() {
        let css = stylesheet(&config(&[("lang", "ar")]));
        assert!(css.contains(".launcher{bottom:16px;left:16px}.dialog{bottom:68px;left:16px}"), "{css}");
        let css = stylesheet(&config(&[("lang", "he"), ("position", "top-end")]));
        assert!(css.contains(".launcher{top:16px;left:16px}"));
        let css = stylesheet(&config(&[("lang", "fa"), ("position", "bottom-right")]));
        assert!(css.contains(".launcher{bottom:16px;right:16px}"), "a corner named by its side stays there");
        let css = stylesheet(&config(&[("lang", "de"), ("position", "bottom-start")]));
        assert!(css.contains(".launcher{bottom:16px;left:16px}"));
    }

    #[test]
    fn the_dialog_uses_logical_sides_so_it_mirrors() {
        let css = stylesheet(&config(&[]));
        for physical in ["text-align:right", "text-align:left", "margin-right", "margin-left", "padding-left", "padding-right"] {
            assert!(!css.contains(physical), "{physical}");
        }
    }

    #[test]
    fn auto_dark_matches_the_dark_theme() {
        let auto = stylesheet(&config(&[]));
        let dark = stylesheet(&config(&[("theme", "dark")]));
        assert!(auto.contains(&join(&["@media (prefers-color-scheme:dark){.w{", DARK, "--focus:#93c5fd}}"])), "{auto}");
        assert!(dark.contains(DARK) && dark.contains("--focus:#93c5fd}"), "{dark}");
    }

    #[test]
    fn themes() {
        let auto = stylesheet(&config(&[]));
        assert!(auto.contains("prefers-color-scheme:dark") && auto.contains("--bg:#ffffff") && auto.contains("--bg:#1f2937"));
        let dark = stylesheet(&config(&[("theme", "dark")]));
        assert!(dark.contains("--bg:#1f2937") && !dark.contains("--bg:#ffffff"));
        let light = stylesheet(&config(&[("theme", "light")]));
        assert!(light.contains("--bg:#ffffff") && !light.contains("--bg:#1f2937"));
    }

    #[test]
    fn the_top_layer_reset_comes_before_the_chosen_corner() {
        // A popover is centred by the browser (inset: 0, margin: auto) unless the sheet says otherwise first.
        let css = stylesheet(&config(&[]));
        let reset = css.find("[popover]{inset:auto;margin:0").expect("a reset for popovers");
        assert!(reset < css.find(".launcher{bottom:16px").expect("the corner"), "{css}");
    }

    #[test]
    fn phones_get_big_targets_and_text_that_does_not_zoom() {
        let css = stylesheet(&config(&[]));
        assert!(css.contains("@media (pointer:coarse),(max-width:480px){.launcher{min-block-size:44px;min-inline-size:44px}}"));
        assert!(css.contains("textarea,input{font-size:16px}"));
    }

    #[test]
    fn host_resists_page_css_and_motion_can_be_reduced() {
        let css = stylesheet(&config(&[]));
        assert!(css.contains(":host{all:initial!important;display:block!important"));
        assert!(css.contains("prefers-reduced-motion:reduce"));
    }
}
