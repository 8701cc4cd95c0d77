//! Simplified Chinese (`zh`, `zh-CN`, `zh-SG`, `zh-Hans`): full-width punctuation, no spaces.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "您对我们的服务满意吗？",
    prompt: "我们可以如何改进？",
    ratings: ["很差", "较差", "一般", "良好", "很好"],
    prompt_hint: "选填。告诉我们怎样可以做得更好。",
    email: "电子邮箱（选填）",
    email_hint: "仅在您希望收到回复时填写。",
    send: "发送",
    sending: "正在发送…",
    close: "关闭",
    thanks: "谢谢！我们会认真阅读每一条留言。",
    saved: "已保存，您恢复联网后我们会立即发送。",
    failed: "消息发送失败。您填写的内容没有丢失，请重试。",
    refused: "抱歉，您的消息未被接受。",
    retry: "重试",
    need_rating: "请先选择评分。",
    bad_email: "该电子邮箱地址似乎不正确。",
    nps_title: "您向朋友推荐我们的可能性有多大？",
    prompt_low: "哪里做得不好？",
    prompt_high: "您喜欢哪些方面？",
    stars: Plural::one_form("{n}颗星"),
    moods: ["非常不满意", "不满意", "一般", "满意", "非常满意"],
    thumbs: ["没有帮助", "有帮助"],
    nps_anchors: ["不太可能", "非常可能"],
    restored: "已恢复您尚未发送的反馈。",
    discard: "放弃",
    counter: Plural::one_form("还可输入{n}个字"),
    comma: "，",
}
.strings();
