import type { Band } from './scores';

/** The languages the shopper pages and the automatic answers are written in; others fall back to English. */
export const FEEDBACK_LANGUAGES = ['en', 'zh', 'th', 'ru'] as const;
export type FeedbackLanguage = (typeof FEEDBACK_LANGUAGES)[number];

/** The first of the tags (the page's language, the member's, the shop's) that names a language we write, else English. */
export function languageOf(...tags: (string | null | undefined)[]): FeedbackLanguage {
  for (const tag of tags) {
    const base = tag?.toLowerCase().split(/[-_]/)[0];
    const known = FEEDBACK_LANGUAGES.find((l) => l === base);
    if (known) return known;
  }
  return 'en';
}

interface Texts {
  subject: (shop: string) => string;
  thanks: Record<Band, (shop: string) => string>;
  caseOpened: string;
  resolutionSubject: (shop: string) => string;
  resolutionIntro: (shop: string) => string;
}

const TEXTS: Record<FeedbackLanguage, Texts> = {
  en: {
    subject: (shop) => `${shop}: thank you for your feedback`,
    thanks: {
      promoter: (shop) => `Thank you for shopping at ${shop} and for your kind words. We hope to see you again soon.`,
      passive: (shop) => `Thank you for shopping at ${shop} and for telling us how we did. We will use it to get better.`,
      detractor: (shop) => `Thank you for telling ${shop} what went wrong, and we are sorry.`,
    },
    caseOpened: 'Someone from the shop will look into it and write back to you.',
    resolutionSubject: (shop) => `${shop}: an answer to your feedback`,
    resolutionIntro: (shop) => `${shop} has looked into your feedback:`,
  },
  zh: {
    subject: (shop) => `${shop}：感谢您的反馈`,
    thanks: {
      promoter: (shop) => `感谢您在${shop}购物，也感谢您的好评。期待您再次光临。`,
      passive: (shop) => `感谢您在${shop}购物并告诉我们您的感受，我们会据此改进。`,
      detractor: (shop) => `感谢您告诉${shop}哪里做得不好，我们深表歉意。`,
    },
    caseOpened: '店里会有专人跟进，并给您回复。',
    resolutionSubject: (shop) => `${shop}：对您反馈的答复`,
    resolutionIntro: (shop) => `${shop}已处理您的反馈：`,
  },
  th: {
    subject: (shop) => `${shop}: ขอบคุณสำหรับความคิดเห็นของคุณ`,
    thanks: {
      promoter: (shop) => `ขอบคุณที่ซื้อสินค้ากับ ${shop} และขอบคุณสำหรับคำชม หวังว่าจะได้พบคุณอีกเร็วๆ นี้`,
      passive: (shop) => `ขอบคุณที่ซื้อสินค้ากับ ${shop} และบอกเราว่าเราทำได้อย่างไร เราจะนำไปปรับปรุง`,
      detractor: (shop) => `ขอบคุณที่บอก ${shop} ว่าเกิดอะไรขึ้น และเราขออภัยเป็นอย่างยิ่ง`,
    },
    caseOpened: 'เจ้าหน้าที่ของร้านจะตรวจสอบและติดต่อกลับหาคุณ',
    resolutionSubject: (shop) => `${shop}: คำตอบสำหรับความคิดเห็นของคุณ`,
    resolutionIntro: (shop) => `${shop} ได้ตรวจสอบความคิดเห็นของคุณแล้ว:`,
  },
  ru: {
    subject: (shop) => `${shop}: спасибо за отзыв`,
    thanks: {
      promoter: (shop) => `Спасибо за покупку в ${shop} и за добрые слова. Будем рады видеть вас снова.`,
      passive: (shop) => `Спасибо за покупку в ${shop} и за оценку. Мы учтём её, чтобы стать лучше.`,
      detractor: (shop) => `Спасибо, что рассказали ${shop}, что пошло не так. Нам очень жаль.`,
    },
    caseOpened: 'Сотрудник магазина разберётся и ответит вам.',
    resolutionSubject: (shop) => `${shop}: ответ на ваш отзыв`,
    resolutionIntro: (shop) => `${shop} разобрался с вашим отзывом:`,
  },
};

/** The automatic answer to a shopper's feedback, in their language; a case adds that someone will write back. */
export function thankYouMessage(language: FeedbackLanguage, shop: string, band: Band, caseOpened: boolean): { subject: string; body: string } {
  const t = TEXTS[language];
  return { subject: t.subject(shop), body: caseOpened ? `${t.thanks[band](shop)} ${t.caseOpened}` : t.thanks[band](shop) };
}

/** The message that carries a case's resolution to the shopper: the staff's words under a line in the shopper's language. */
export function resolutionMessage(language: FeedbackLanguage, shop: string, resolution: string): { subject: string; body: string } {
  const t = TEXTS[language];
  return { subject: t.resolutionSubject(shop), body: `${t.resolutionIntro(shop)}\n\n${resolution}` };
}
