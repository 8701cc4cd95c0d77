//! Korean.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "저희 서비스는 어떠신가요?",
    prompt: "어떻게 하면 더 나아질 수 있을까요?",
    ratings: ["매우 나쁨", "나쁨", "보통", "좋음", "매우 좋음"],
    prompt_hint: "선택 사항입니다. 개선할 점을 알려 주세요.",
    email: "이메일(선택 사항)",
    email_hint: "답변을 원하실 때만 입력해 주세요.",
    send: "보내기",
    sending: "보내는 중…",
    close: "닫기",
    thanks: "감사합니다! 보내 주신 메시지는 모두 읽고 있습니다.",
    saved: "저장되었습니다. 다시 온라인 상태가 되면 바로 보내 드릴게요.",
    failed: "메시지를 보내지 못했습니다. 작성하신 내용은 그대로 남아 있으니 다시 시도해 주세요.",
    refused: "죄송합니다. 메시지를 접수할 수 없습니다.",
    retry: "다시 시도",
    need_rating: "먼저 평점을 선택해 주세요.",
    bad_email: "이메일 주소가 올바르지 않은 것 같습니다.",
    nps_title: "친구에게 저희를 추천하실 가능성은 얼마나 되나요?",
    prompt_low: "어떤 점이 아쉬우셨나요?",
    prompt_high: "어떤 점이 좋으셨나요?",
    stars: Plural::one_form("별 {n}개"),
    moods: ["매우 불만족", "불만족", "보통", "만족", "매우 만족"],
    thumbs: ["도움이 안 됨", "도움이 됨"],
    nps_anchors: ["전혀 없음", "매우 높음"],
    restored: "보내지 않은 의견을 복원했습니다.",
    discard: "삭제",
    counter: Plural::one_form("{n}자 남음"),
    comma: ", ",
}
.strings();
