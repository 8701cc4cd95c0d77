//! Vietnamese: one form for every number.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Bạn thấy chúng tôi thế nào?",
    prompt: "Chúng tôi có thể cải thiện điều gì?",
    ratings: ["Rất tệ", "Tệ", "Tạm được", "Tốt", "Rất tốt"],
    prompt_hint: "Không bắt buộc. Hãy cho chúng tôi biết điều gì sẽ giúp tốt hơn.",
    email: "Email (không bắt buộc)",
    email_hint: "Chỉ khi bạn muốn nhận phản hồi.",
    send: "Gửi",
    sending: "Đang gửi…",
    close: "Đóng",
    thanks: "Cảm ơn bạn! Chúng tôi đọc mọi tin nhắn.",
    saved: "Đã lưu — chúng tôi sẽ gửi ngay khi bạn có mạng trở lại.",
    failed: "Không thể gửi tin nhắn của bạn. Nội dung bạn viết vẫn còn nguyên; vui lòng thử lại.",
    refused: "Rất tiếc, tin nhắn của bạn không được chấp nhận.",
    retry: "Thử lại",
    need_rating: "Vui lòng chọn mức đánh giá trước.",
    bad_email: "Địa chỉ email này có vẻ không đúng.",
    nps_title: "Khả năng bạn giới thiệu chúng tôi cho bạn bè là bao nhiêu?",
    prompt_low: "Điều gì chưa ổn?",
    prompt_high: "Bạn thích điều gì?",
    stars: Plural::one_form("{n} sao"),
    moods: ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"],
    thumbs: ["Không hữu ích", "Hữu ích"],
    nps_anchors: ["Không có khả năng", "Rất có khả năng"],
    restored: "Đã khôi phục góp ý chưa gửi của bạn.",
    discard: "Bỏ",
    counter: Plural::one_form("Còn {n} ký tự"),
    comma: ", ",
}
.strings();
