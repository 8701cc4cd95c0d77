//! Japanese: full-width punctuation, no spaces between sentences, one form for every number.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "ご満足いただけていますか？",
    prompt: "どうすればもっと良くなりますか？",
    ratings: ["とても悪い", "悪い", "普通", "良い", "とても良い"],
    prompt_hint: "任意です。改善のヒントをお聞かせください。",
    email: "メールアドレス（任意）",
    email_hint: "返信をご希望の場合のみご記入ください。",
    send: "送信",
    sending: "送信中…",
    close: "閉じる",
    thanks: "ありがとうございます！いただいたメッセージはすべて拝読しています。",
    saved: "保存しました。オンラインに戻りしだい送信します。",
    failed: "メッセージを送信できませんでした。入力した内容は消えていません。もう一度お試しください。",
    refused: "申し訳ありませんが、このメッセージは受け付けられませんでした。",
    retry: "再試行",
    need_rating: "先に評価を選んでください。",
    bad_email: "メールアドレスの形式が正しくないようです。",
    nps_title: "友人や知人に私たちを勧める可能性はどのくらいありますか？",
    prompt_low: "どのような点が問題でしたか？",
    prompt_high: "どのような点が良かったですか？",
    stars: Plural::one_form("星{n}つ"),
    moods: ["とても不満", "不満", "どちらでもない", "満足", "とても満足"],
    thumbs: ["役に立たなかった", "役に立った"],
    nps_anchors: ["可能性は低い", "可能性は高い"],
    restored: "未送信のフィードバックを復元しました。",
    discard: "破棄",
    counter: Plural::one_form("残り{n}文字"),
    comma: "、",
}
.strings();
