//! Traditional Chinese (`zh-TW`, `zh-HK`, `zh-MO`, `zh-Hant`): full-width punctuation, no spaces.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "您對我們的服務滿意嗎？",
    prompt: "我們可以如何改進？",
    ratings: ["很差", "較差", "普通", "良好", "很好"],
    prompt_hint: "選填。告訴我們怎樣可以做得更好。",
    email: "電子郵件（選填）",
    email_hint: "僅在您希望收到回覆時填寫。",
    send: "傳送",
    sending: "傳送中…",
    close: "關閉",
    thanks: "謝謝！我們會用心閱讀每一則留言。",
    saved: "已儲存，您恢復連線後我們會立即傳送。",
    failed: "訊息傳送失敗。您填寫的內容沒有遺失，請再試一次。",
    refused: "很抱歉，您的訊息未被接受。",
    retry: "再試一次",
    need_rating: "請先選擇評分。",
    bad_email: "這個電子郵件地址似乎不正確。",
    nps_title: "您向朋友推薦我們的可能性有多大？",
    prompt_low: "哪裡做得不好？",
    prompt_high: "您喜歡哪些地方？",
    stars: Plural::one_form("{n}顆星"),
    moods: ["非常不滿意", "不滿意", "普通", "滿意", "非常滿意"],
    thumbs: ["沒有幫助", "有幫助"],
    nps_anchors: ["不太可能", "非常可能"],
    restored: "已還原您尚未傳送的意見。",
    discard: "捨棄",
    counter: Plural::one_form("還可輸入{n}個字"),
    comma: "，",
}
.strings();
