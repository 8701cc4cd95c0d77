/**
 * platinum-feedback: the Platinum feedback widget as an ES module.
 *
 * Every option is the `data-*` attribute of the script tag under its camelCase name, checked by
 * the same code: a bad value logs one `[platinum]` warning naming the option and the default is
 * used; a missing or unusable `endpoint` shows no widget. Nothing here throws into the page.
 * A test of the widget crate checks these declarations against the options it reads.
 *
 * @packageDocumentation
 */

/**
 * A language the widget speaks. A region or script subtag may follow (`fr-CA`, `pt-BR`, `zh-TW`).
 */
export type Language =
  | "en" | "es" | "fr" | "de" | "pt" | "pt-PT" | "it" | "nl" | "pl" | "sv" | "da" | "nb" | "fi" | "cs"
  | "tr" | "ru" | "uk" | "el" | "ja" | "ko" | "zh" | "zh-Hant" | "hi" | "id" | "vi" | "ar" | "he" | "fa";

/**
 * The rating scale: `csat5` (Terrible … Great), `stars5` (one to five stars), `emoji5` (five
 * faces), `thumbs` (not helpful / helpful), `nps` (0–10, "How likely are you to recommend us to a friend?").
 */
export type Scale = "csat5" | "stars5" | "emoji5" | "thumbs" | "nps";

/** What {@link init} takes: the script tag's `data-*` attributes, in camelCase. */
export interface Options {
  /**
   * Where responses are POSTed (`data-endpoint`, required): an `http(s)://` URL, or a path on
   * the same site such as `/feedback`. Without a usable one the widget is not shown.
   */
  endpoint: string;
  /**
   * The language (`data-lang`). Default: the first of the visitor's `navigator.languages` that
   * ships, else English.
   */
  lang?: Language | `${Language}-${string}`;
  /** The colour scheme (`data-theme`). Default `"auto"`: follows `prefers-color-scheme`. */
  theme?: "auto" | "light" | "dark";
  /**
   * The launcher's corner (`data-position`). Default `"bottom-end"`. The `-end` and `-start`
   * corners are mirrored in right-to-left languages; `-right` and `-left` stay where they are named.
   */
  position?: "bottom-end" | "bottom-start" | "top-end" | "top-start" | "bottom-right" | "bottom-left" | "top-right" | "top-left";
  /**
   * The accent colour (`data-accent`), `#rgb` or `#rrggbb`. Default `"#4338ca"`. Text on it turns
   * black or white, whichever reads better.
   */
  accent?: `#${string}`;
  /** The launcher's text (`data-label`), at most 120 characters. Default "Feedback", translated. */
  label?: string;
  /** The rating scale (`data-scale`). Default `"csat5"`. */
  scale?: Scale;
  /**
   * The dialog's title (`data-title`), at most 120 characters. Default "How are we doing?",
   * translated (the NPS question on `nps`).
   */
  title?: string;
  /**
   * The text box label before a rating and after one in the middle (`data-prompt`), at most 120
   * characters. Default "How can we get better?", translated.
   */
  prompt?: string;
  /**
   * The text box label after a low rating (`data-prompt-low`: 1–2 of 5, 0–6 of NPS, thumbs down),
   * at most 120 characters. Default "What went wrong?", translated.
   */
  promptLow?: string;
  /**
   * The text box label after a high rating (`data-prompt-high`: 4–5 of 5, 9–10 of NPS, thumbs up),
   * at most 120 characters. Default "What did you like?", translated.
   */
  promptHigh?: string;
  /** The signed-in visitor's id (`data-user-id`), at most 128 characters. Default: none; see {@link identify}. */
  userId?: string;
  /** The signed-in visitor's e-mail address (`data-user-email`), at most 254 characters. Default: none. */
  userEmail?: string;
  /** The signed-in visitor's name (`data-user-name`), at most 200 characters. Default: none. */
  userName?: string;
  /** Whether to offer the e-mail field (`data-ask-email`). Default `false`. */
  askEmail?: boolean;
  /**
   * The launcher button (`data-launcher`). Default `"button"`; `"none"` shows none: the dialog
   * opens only by {@link open}, for example from a button of your own.
   */
  launcher?: "button" | "none";
  /**
   * Path patterns the widget shows on (`data-show-on`), separated by commas or spaces; `*` matches
   * anything, `/` included, and `/checkout/*` also covers `/checkout`. A pattern has at most 200
   * characters. Default: every page.
   */
  showOn?: string;
  /** Path patterns the widget never shows on (`data-hide-on`), as for `showOn`. Default: no page. */
  hideOn?: string;
  /**
   * The share of visitors triggers may ask (`data-sample`): `0` to `1`, or `"0%"` to `"100%"`.
   * Default `1` (everyone).
   */
  sample?: number | `${number}%`;
  /**
   * Days after a visitor answered or dismissed the dialog before a trigger asks them again
   * (`data-cooldown`), whole days from 0 to 365. Default `30`.
   */
  cooldown?: number;
  /** Open after this many seconds on the page (`data-trigger-after`), whole seconds from 1 to 3600. Default: off. */
  triggerAfter?: number;
  /** Open once this percentage of the page was scrolled (`data-trigger-scroll`), from 1 to 100. Default: off. */
  triggerScroll?: number;
  /**
   * Open when the pointer leaves the window through its top edge (`data-trigger-exit`); desktop
   * pointers only. Default `false`.
   */
  triggerExit?: boolean;
  /** Open on the visitor's Nth page view of the site (`data-trigger-visit`), from 1 to 1000. Default: off. */
  triggerVisit?: number;
}

/** The signed-in visitor: each member optional, a bad one left out with a warning. */
export interface Visitor {
  /** Your own id for them, at most 128 characters. */
  id?: string;
  /** Their e-mail address, at most 254 characters: it fills the e-mail field. */
  email?: string;
  /** Their name, at most 200 characters. */
  name?: string;
}

/**
 * Facts about the visit: at most 20 keys of 1 to 64 characters without ":", values of at most
 * 256 characters (numbers and booleans become text); `null` removes a key.
 */
export type Metadata = Record<string, string | number | boolean | null>;

/** What an "open" or "close" callback gets. */
export interface DialogEvent {
  /** The scale asked on. */
  scale: Scale;
}

/** What a "submit" or "delivered" callback gets. */
export interface ResponseEvent extends DialogEvent {
  /** The response's id, the same in the payload and the dashboard. */
  id: string;
  /** The rating given, on the scale (1–5, 0–10 for `nps`, 0 or 1 for `thumbs`). */
  rating: number;
}

/** The events, and what each callback gets. */
export interface Events {
  /** The dialog opened. */
  open: DialogEvent;
  /** The dialog closed. */
  close: DialogEvent;
  /** Send was pressed and the form accepted it: once per response. */
  submit: ResponseEvent;
  /** The endpoint confirmed it stored the response. */
  delivered: ResponseEvent;
}

/** The widget's version, as in every payload it sends. */
export const version: string;

/**
 * Mounts the widget, replacing one already mounted. The widget loads once the page has loaded
 * and the browser is idle. Outside a browser (server-side rendering) it does nothing.
 */
export function init(options: Options): void;
/** The signed-in visitor, sent as `user` with every later response; `null` forgets them. */
export function identify(visitor: Visitor | null): void;
/** Sets facts sent as `metadata` with every later response, merged into those set before. */
export function setMetadata(facts: Metadata): void;
/** Opens the dialog. */
export function open(): void;
/** Closes the dialog; focus goes back to what had it when it opened. */
export function close(): void;
/** Removes the widget and its listeners from the page; {@link init} mounts it again. */
export function destroy(): void;
/**
 * Calls `callback` with a copy of the event's details. One that throws is reported once with
 * `[platinum]` and never stops the widget.
 */
export function on<E extends keyof Events>(event: E, callback: (detail: Events[E]) => void): void;
/** Stops calling `callback` on `event`. */
export function off<E extends keyof Events>(event: E, callback: (detail: Events[E]) => void): void;
