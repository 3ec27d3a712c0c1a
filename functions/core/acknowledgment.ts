/**
 * The acknowledgment sent back to a reporting library: whether it is sent, what it says (in the
 * report's language when the call offers it), and its raw MIME form for SES SendRawEmail.
 * Everything taken from the incoming message is hostile: header values are stripped of control
 * characters (no CRLF injection), message ids must look like message ids, HTML is escaped.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { deadlineLabel, type CallProfile } from './call-profile.ts';
import { replaceUnsafeCharacters } from './display-safety.ts';
import type { AckDecision, ReportRecord } from './record.ts';
import type { Problem, ReportAnalysis, ReportProblemCode } from './types.ts';

export interface AckAddresses {
  /** The call's intake addresses, lower-cased. */
  readonly intakeAddresses: readonly string[];
  /** The acknowledgment sender, lower-cased. */
  readonly ackFrom: string;
}

/**
 * Whether this message gets an acknowledgment (the hourly per-sender limit is checked at send time).
 * Not for ignored messages, not for a message that does not name the intake address in To or Cc
 * (Bcc'd or misrouted: answering would confirm the address to whoever sent it), not for our own mail.
 */
export function acknowledgmentDecision(analysis: ReportAnalysis, addresses: AckAddresses): AckDecision {
  if (analysis.status === 'ignored') return { send: false, reason: 'ignored' };
  const from = analysis.from?.address.toLowerCase();
  if (!from || !isPlainAddress(from)) return { send: false, reason: 'no_sender' };
  if (from === addresses.ackFrom || addresses.intakeAddresses.includes(from)) return { send: false, reason: 'own_address' };
  const named = [...analysis.to, ...analysis.cc].map((a) => a.address.toLowerCase());
  if (!addresses.intakeAddresses.some((address) => named.includes(address))) return { send: false, reason: 'not_addressed' };
  return { send: true };
}

export interface Acknowledgment {
  readonly from: string;
  readonly to: { readonly name: string; readonly address: string };
  /** Where a reply (the corrected report) goes: the intake address. */
  readonly replyTo: string;
  readonly subject: string;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  /** ISO 639-1 code of the language the acknowledgment is written in. */
  readonly language: string;
  readonly text: string;
  readonly html: string;
}

export interface AckContext {
  readonly profile: CallProfile;
  /** The record id, quoted to the sender as the reference. */
  readonly reportId: string;
  readonly from: string;
  /** The intake address the sender wrote to. */
  readonly intakeAddress: string;
}

/** What the acknowledgment tells: the stored record holds all of it, so a retry needs no second analysis. */
export type AcknowledgedReport = Pick<
  ReportRecord,
  | 'status' | 'problems' | 'wordCount' | 'wordLimit' | 'language' | 'actionLines' | 'links' | 'source'
  | 'from' | 'fromName' | 'subject' | 'messageId' | 'inReplyTo' | 'references'
>;

/** Composes the acknowledgment of a stored report; the caller has decided that one is sent. */
export function composeAcknowledgment(report: AcknowledgedReport, context: AckContext): Acknowledgment {
  const { profile } = context;
  const language = acknowledgmentLanguage(report.language, profile);
  const t = TEXTS[language] ?? TEXTS.en;
  if (!report.from || !isPlainAddress(report.from)) throw new TypeError('composeAcknowledgment needs a usable From address');

  const messageId = validMessageId(report.messageId);
  // RFC 5322 3.6.4: the parent's References (or In-Reply-To) followed by the parent's Message-ID.
  const parentReferences = (report.references.length > 0 ? report.references : [report.inReplyTo ?? ''])
    .map(validMessageId)
    .filter((id): id is string => id !== null);
  const references = messageId ? [...parentReferences, messageId].slice(-MAX_REFERENCES) : [];

  const subjectBase = firstChars(singleLine(report.subject), MAX_SUBJECT_CHARS) || t.subjectFallback;
  const subject = /^re\s*:/i.test(subjectBase) ? subjectBase : `Re: ${subjectBase}`;

  const content = contentOf(report, context, t, deadlineLabel(profile, language));
  return {
    from: context.from,
    to: { name: firstChars(singleLine(report.fromName ?? ''), MAX_NAME_CHARS), address: report.from },
    replyTo: context.intakeAddress,
    subject,
    inReplyTo: messageId,
    references,
    language,
    text: renderText(content, t),
    html: renderHtml(content, t, language),
  };
}

/** The language to answer in: the report's, when the call offers it, else the call's default. */
export function acknowledgmentLanguage(reportLanguage: string, profile: CallProfile): string {
  if (profile.acknowledgmentLanguages.includes(reportLanguage) && Object.hasOwn(TEXTS, reportLanguage)) return reportLanguage;
  return Object.hasOwn(TEXTS, profile.defaultLanguage) ? profile.defaultLanguage : 'en';
}

/** The raw RFC 5322 message for SES SendRawEmail, built by nodemailer's MailComposer. */
export async function acknowledgmentMime(ack: Acknowledgment, date: Date): Promise<Uint8Array> {
  const composer = new MailComposer({
    from: ack.from,
    to: { name: ack.to.name, address: ack.to.address },
    replyTo: ack.replyTo,
    subject: ack.subject,
    date,
    ...(ack.inReplyTo ? { inReplyTo: ack.inReplyTo, references: [...ack.references] } : {}),
    headers: {
      // RFC 3834: an automatic reply; Exchange/Outlook: no out-of-office or read receipts in return.
      'Auto-Submitted': 'auto-replied',
      'X-Auto-Response-Suppress': 'All',
      'Content-Language': ack.language,
    },
    text: ack.text,
    html: ack.html,
    // The content is given inline; never let a value be read as a file path or URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return new Uint8Array(await composer.compile().build());
}

const MAX_SUBJECT_CHARS = 200;
const MAX_NAME_CHARS = 100;
const MAX_REFERENCES = 10;
const MAX_LISTED_LINKS = 20;

/** A header-safe single line: unsafe characters become spaces, runs of spaces collapse. Used for every string from the message. */
function singleLine(value: string): string {
  return replaceUnsafeCharacters(value, ' ').replace(/\s+/g, ' ').trim();
}

/** `<local@domain>` of printable ASCII without spaces or angle brackets, else null. */
function validMessageId(value: string | null): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  const id = trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
  return /^<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>$/.test(id) && id.length <= 250 ? id : null;
}

function isPlainAddress(address: string): boolean {
  return /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/.test(address) && address.length <= 254;
}

/** At most `count` code points (never half of a surrogate pair). */
function firstChars(value: string, count: number): string {
  return Array.from(value).slice(0, count).join('');
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

interface Content {
  readonly intro: string;
  readonly status: string;
  readonly facts: readonly (readonly [label: string, value: string | readonly string[]])[];
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** The expected parts, for needs_revision only. */
  readonly template: readonly string[];
  readonly next: string;
}

function contentOf(report: AcknowledgedReport, context: AckContext, t: Texts, deadline: string): Content {
  const { profile } = context;
  const limit = report.wordLimit;
  const file = report.source.startsWith('attachment:') ? singleLine(report.source.slice('attachment:'.length)) : '';
  const problemText = (problem: Problem): string => {
    const localized = t.problems[problem.code as ReportProblemCode];
    return localized
      ? localized({ words: report.wordCount, limit, deadline, file, detail: singleLine(problem.message) })
      : singleLine(problem.message);
  };
  const shownLinks = report.links.slice(0, MAX_LISTED_LINKS).map(singleLine);
  const moreLinks = report.links.length - shownLinks.length;
  const needsRevision = report.status === 'needs_revision';
  return {
    intro: t.intro(singleLine(profile.title)),
    status: needsRevision ? t.statusNeedsRevision : t.statusAccepted,
    facts: [
      [t.labels.words, t.wordsValue(report.wordCount, limit)],
      [t.labels.actionLines, report.actionLines.length > 0 ? report.actionLines.join(', ') : t.noneFound],
      [t.labels.links, shownLinks.length > 0 ? [...shownLinks, ...(moreLinks > 0 ? [t.moreLinks(moreLinks)] : [])] : t.noneFound],
      [t.labels.reference, context.reportId],
      [t.labels.deadline, singleLine(deadline)],
    ],
    errors: report.problems.filter((p) => p.severity === 'error').map(problemText),
    warnings: report.problems.filter((p) => p.severity === 'warning').map(problemText),
    template: needsRevision ? t.template(limit) : [],
    next: needsRevision ? t.resend(context.intakeAddress) : t.acceptedNext,
  };
}

function renderText(content: Content, t: Texts): string {
  const lines: string[] = [t.greeting, '', content.intro, '', `${t.labels.status}: ${content.status}`];
  for (const [label, value] of content.facts) {
    if (typeof value === 'string') lines.push(`${label}: ${value}`);
    else lines.push(`${label}:`, ...value.map((item) => `  - ${item}`));
  }
  if (content.errors.length > 0) lines.push('', t.errorsHeading, ...content.errors.map((item) => `  - ${item}`));
  if (content.warnings.length > 0) lines.push('', t.warningsHeading, ...content.warnings.map((item) => `  - ${item}`));
  if (content.template.length > 0) lines.push('', t.templateHeading, ...content.template.map((item, i) => `  ${i + 1}. ${item}`));
  lines.push('', content.next, '', '-- ', t.footer);
  return `${lines.join('\n')}\n`;
}

function renderHtml(content: Content, t: Texts, language: string): string {
  const e = escapeHtml;
  const list = (items: readonly string[], tag: 'ul' | 'ol' = 'ul'): string =>
    `<${tag}>${items.map((item) => `<li>${e(item)}</li>`).join('')}</${tag}>`;
  const facts = content.facts
    .map(([label, value]) => `<tr><th align="left" valign="top">${e(label)}</th><td>${typeof value === 'string' ? e(value) : list(value)}</td></tr>`)
    .join('');
  const sections = [
    content.errors.length > 0 ? `<p><strong>${e(t.errorsHeading)}</strong></p>${list(content.errors)}` : '',
    content.warnings.length > 0 ? `<p><strong>${e(t.warningsHeading)}</strong></p>${list(content.warnings)}` : '',
    content.template.length > 0 ? `<p><strong>${e(t.templateHeading)}</strong></p>${list(content.template, 'ol')}` : '',
  ].join('');
  return [
    `<!DOCTYPE html><html lang="${e(language)}"><head><meta charset="utf-8"></head><body>`,
    `<p>${e(t.greeting)}</p><p>${e(content.intro)}</p>`,
    `<p><strong>${e(t.labels.status)}:</strong> ${e(content.status)}</p>`,
    `<table>${facts}</table>`,
    sections,
    `<p>${e(content.next)}</p>`,
    `<p><small>${e(t.footer)}</small></p>`,
    '</body></html>',
  ].join('\n');
}

interface ProblemContext {
  readonly words: number;
  readonly limit: number;
  readonly deadline: string;
  /** The attachment the report was looked for in, or ''. */
  readonly file: string;
  /** The analysis's own (English) message. */
  readonly detail: string;
}

interface Texts {
  readonly subjectFallback: string;
  readonly greeting: string;
  readonly intro: (title: string) => string;
  readonly statusAccepted: string;
  readonly statusNeedsRevision: string;
  readonly labels: {
    readonly status: string;
    readonly words: string;
    readonly actionLines: string;
    readonly links: string;
    readonly reference: string;
    readonly deadline: string;
  };
  readonly noneFound: string;
  readonly moreLinks: (count: number) => string;
  readonly wordsValue: (words: number, limit: number) => string;
  readonly errorsHeading: string;
  readonly warningsHeading: string;
  readonly problems: Record<ReportProblemCode, (c: ProblemContext) => string>;
  readonly templateHeading: string;
  readonly template: (limit: number) => string[];
  readonly resend: (address: string) => string;
  readonly acceptedNext: string;
  readonly footer: string;
}

const quoted = (file: string, open: string, close: string): string => (file ? ` ${open}${file}${close}` : '');

const EN: Texts = {
  subjectFallback: 'your report',
  greeting: 'Hello,',
  intro: (title) => `Thank you for your report for the call "${title}".`,
  statusAccepted: 'Accepted: your report meets every requirement.',
  statusNeedsRevision: 'Needs revision: please correct the points below and send your report again.',
  labels: { status: 'Status', words: 'Words', actionLines: 'Action Lines found', links: 'Links found', reference: 'Reference', deadline: 'Deadline' },
  noneFound: 'none',
  moreLinks: (count) => `and ${count} more`,
  wordsValue: (words, limit) => `${words} (limit: ${limit})`,
  errorsHeading: 'To correct before your report can be accepted:',
  warningsHeading: 'Suggestions:',
  problems: {
    empty_report: ({ limit }) =>
      `We found no report text in your message. Write the report (at most ${limit} words) in the body of the email, or attach it as a .docx, .pdf, .odt, .rtf or .txt file.`,
    too_long: ({ words, limit }) => `Your report has ${words} words; the limit is ${limit}. Shorten it by at least ${words - limit} words.`,
    no_action_line: () =>
      'Your report does not name a WSIS Action Line. Say which Action Lines (C1 to C11, for example "C3 Access to information and knowledge") your library contributed to.',
    no_link: () => 'Your report has no link. Add links (https://…) to your key outputs: documents, projects or campaigns.',
    unreadable_attachment: ({ detail }) => detail,
    missing_achievements: () => 'Describe your local achievements: what your library did and what it changed.',
    missing_obstacles: () => 'Describe the trends and obstacles you see.',
    missing_future_actions: () => 'Describe your planned future actions at regional or international level.',
    late: ({ deadline }) => `Your report arrived after the deadline (${deadline}). It is recorded; the editors decide whether it can still be included.`,
  },
  templateHeading: 'A report that meets the call contains:',
  template: (limit) => [
    'Achievements: what your library did and what changed locally.',
    'Trends and obstacles: what helps or hinders your work.',
    'Future actions: what you plan at regional or international level.',
    'WSIS Action Lines: the ones your work contributes to (for example C3 Access to information and knowledge).',
    'Links: web addresses (https://…) of your key outputs.',
    `Length: at most ${limit} words.`,
  ],
  resend: (address) => `Reply to this message with the corrected report (or send it to ${address}); the newest version replaces earlier ones.`,
  acceptedNext: 'No further action is needed. If you send a new version, it replaces this one.',
  footer: 'This is an automatic message. Please quote the reference above if you contact us.',
};

const FR: Texts = {
  subjectFallback: 'votre rapport',
  greeting: 'Bonjour,',
  intro: (title) => `Merci pour votre rapport dans le cadre de l'appel « ${title} ».`,
  statusAccepted: 'Accepté : votre rapport remplit toutes les conditions.',
  statusNeedsRevision: 'À réviser : veuillez corriger les points ci-dessous et nous renvoyer votre rapport.',
  labels: {
    status: 'Statut',
    words: 'Mots',
    actionLines: 'Grandes orientations trouvées',
    links: 'Liens trouvés',
    reference: 'Référence',
    deadline: 'Date limite',
  },
  noneFound: 'aucun',
  moreLinks: (count) => `et ${count} de plus`,
  wordsValue: (words, limit) => `${words} (limite : ${limit})`,
  errorsHeading: 'À corriger pour que votre rapport soit accepté :',
  warningsHeading: 'Suggestions :',
  problems: {
    empty_report: ({ limit }) =>
      `Nous n'avons trouvé aucun texte de rapport dans votre message. Rédigez le rapport (${limit} mots au maximum) dans le corps du courriel, ou joignez-le au format .docx, .pdf, .odt, .rtf ou .txt.`,
    too_long: ({ words, limit }) => `Votre rapport compte ${words} mots ; la limite est de ${limit}. Raccourcissez-le d'au moins ${words - limit} mots.`,
    no_action_line: () =>
      "Votre rapport ne cite aucune grande orientation (ligne d'action) du SMSI. Indiquez à laquelle ou auxquelles (C1 à C11, par exemple « C3 Accès à l'information et au savoir ») votre bibliothèque a contribué.",
    no_link: () => 'Votre rapport ne contient aucun lien. Ajoutez des liens (https://…) vers vos principales réalisations : documents, projets ou campagnes.',
    unreadable_attachment: ({ file, detail }) =>
      `Nous n'avons pas pu lire le fichier joint${quoted(file, '« ', ' »')}. Joignez-le de nouveau au format .docx, .pdf (avec du texte, pas une image numérisée), .odt, .rtf ou .txt, ou collez le rapport dans le corps du courriel. Détail (en anglais) : ${detail}`,
    missing_achievements: () => 'Décrivez vos réalisations locales : ce que votre bibliothèque a fait et ce que cela a changé.',
    missing_obstacles: () => 'Décrivez les tendances et les obstacles que vous observez.',
    missing_future_actions: () => 'Décrivez les actions que vous prévoyez au niveau régional ou international.',
    late: ({ deadline }) =>
      `Votre rapport est arrivé après la date limite (${deadline}). Il est enregistré ; la rédaction décidera s'il peut encore être pris en compte.`,
  },
  templateHeading: "Un rapport conforme à l'appel comprend :",
  template: (limit) => [
    'Réalisations : ce que votre bibliothèque a fait et ce qui a changé localement.',
    'Tendances et obstacles : ce qui aide ou freine votre travail.',
    'Actions futures : ce que vous prévoyez au niveau régional ou international.',
    "Grandes orientations du SMSI : celles auxquelles votre travail contribue (par exemple C3 Accès à l'information et au savoir).",
    'Liens : adresses web (https://…) de vos principales réalisations.',
    `Longueur : ${limit} mots au maximum.`,
  ],
  resend: (address) =>
    `Répondez à ce message avec le rapport corrigé (ou envoyez-le à ${address}) ; la version la plus récente remplace les précédentes.`,
  acceptedNext: "Aucune autre démarche n'est nécessaire. Si vous envoyez une nouvelle version, elle remplacera celle-ci.",
  footer: 'Ce message est envoyé automatiquement. Merci de rappeler la référence ci-dessus si vous nous contactez.',
};

const ES: Texts = {
  subjectFallback: 'su informe',
  greeting: 'Hola:',
  intro: (title) => `Gracias por su informe para la convocatoria «${title}».`,
  statusAccepted: 'Aceptado: su informe cumple todos los requisitos.',
  statusNeedsRevision: 'Requiere revisión: corrija los puntos siguientes y envíe de nuevo su informe.',
  labels: {
    status: 'Estado',
    words: 'Palabras',
    actionLines: 'Líneas de acción encontradas',
    links: 'Enlaces encontrados',
    reference: 'Referencia',
    deadline: 'Fecha límite',
  },
  noneFound: 'ninguno',
  moreLinks: (count) => `y ${count} más`,
  wordsValue: (words, limit) => `${words} (límite: ${limit})`,
  errorsHeading: 'Para que su informe sea aceptado, corrija lo siguiente:',
  warningsHeading: 'Sugerencias:',
  problems: {
    empty_report: ({ limit }) =>
      `No encontramos el texto del informe en su mensaje. Escriba el informe (${limit} palabras como máximo) en el cuerpo del correo o adjúntelo en formato .docx, .pdf, .odt, .rtf o .txt.`,
    too_long: ({ words, limit }) => `Su informe tiene ${words} palabras; el límite es ${limit}. Acórtelo en al menos ${words - limit} palabras.`,
    no_action_line: () =>
      'Su informe no menciona ninguna línea de acción de la CMSI. Indique a cuáles (C1 a C11, por ejemplo «C3 Acceso a la información y al conocimiento») contribuyó su biblioteca.',
    no_link: () => 'Su informe no contiene ningún enlace. Añada enlaces (https://…) a sus principales resultados: documentos, proyectos o campañas.',
    unreadable_attachment: ({ file, detail }) =>
      `No pudimos leer el archivo adjunto${quoted(file, '«', '»')}. Adjúntelo de nuevo en formato .docx, .pdf (con texto, no escaneado), .odt, .rtf o .txt, o pegue el informe en el cuerpo del correo. Detalle (en inglés): ${detail}`,
    missing_achievements: () => 'Describa sus logros locales: qué hizo su biblioteca y qué cambió.',
    missing_obstacles: () => 'Describa las tendencias y los obstáculos que observa.',
    missing_future_actions: () => 'Describa las acciones futuras que prevé a nivel regional o internacional.',
    late: ({ deadline }) =>
      `Su informe llegó después de la fecha límite (${deadline}). Queda registrado; el equipo editorial decidirá si aún puede incluirse.`,
  },
  templateHeading: 'Un informe conforme a la convocatoria incluye:',
  template: (limit) => [
    'Logros: qué hizo su biblioteca y qué cambió a nivel local.',
    'Tendencias y obstáculos: qué facilita o dificulta su trabajo.',
    'Acciones futuras: qué prevé a nivel regional o internacional.',
    'Líneas de acción de la CMSI: aquellas a las que contribuye su trabajo (por ejemplo, C3 Acceso a la información y al conocimiento).',
    'Enlaces: direcciones web (https://…) de sus principales resultados.',
    `Extensión: ${limit} palabras como máximo.`,
  ],
  resend: (address) =>
    `Responda a este mensaje con el informe corregido (o envíelo a ${address}); la versión más reciente sustituye a las anteriores.`,
  acceptedNext: 'No es necesario hacer nada más. Si envía una nueva versión, sustituirá a esta.',
  footer: 'Este es un mensaje automático. Indique la referencia de arriba si se pone en contacto con nosotros.',
};

const VI: Texts = {
  subjectFallback: 'báo cáo của Quý vị',
  greeting: 'Xin chào,',
  intro: (title) => `Cảm ơn Quý vị đã gửi báo cáo cho đợt kêu gọi “${title}”.`,
  statusAccepted: 'Đã chấp nhận: báo cáo của Quý vị đáp ứng mọi yêu cầu.',
  statusNeedsRevision: 'Cần chỉnh sửa: vui lòng sửa các điểm dưới đây và gửi lại báo cáo.',
  labels: {
    status: 'Trạng thái',
    words: 'Số từ',
    actionLines: 'Các Hướng hành động tìm thấy',
    links: 'Các liên kết tìm thấy',
    reference: 'Mã tham chiếu',
    deadline: 'Hạn chót',
  },
  noneFound: 'không có',
  moreLinks: (count) => `và ${count} liên kết khác`,
  wordsValue: (words, limit) => `${words} (giới hạn: ${limit})`,
  errorsHeading: 'Cần sửa để báo cáo được chấp nhận:',
  warningsHeading: 'Gợi ý:',
  problems: {
    empty_report: ({ limit }) =>
      `Chúng tôi không tìm thấy nội dung báo cáo trong thư của Quý vị. Vui lòng viết báo cáo (tối đa ${limit} từ) trong phần nội dung thư, hoặc đính kèm tệp .docx, .pdf, .odt, .rtf hay .txt.`,
    too_long: ({ words, limit }) => `Báo cáo có ${words} từ; giới hạn là ${limit} từ. Vui lòng rút gọn ít nhất ${words - limit} từ.`,
    no_action_line: () =>
      'Báo cáo chưa nêu Hướng hành động nào của WSIS. Vui lòng cho biết thư viện của Quý vị đã đóng góp vào những Hướng hành động nào (từ C1 đến C11, ví dụ “C3 Tiếp cận thông tin và tri thức”).',
    no_link: () => 'Báo cáo không có liên kết nào. Vui lòng thêm liên kết (https://…) tới các kết quả chính: tài liệu, dự án hoặc chiến dịch.',
    unreadable_attachment: ({ file, detail }) =>
      `Chúng tôi không đọc được tệp đính kèm${quoted(file, '“', '”')}. Vui lòng đính kèm lại dưới dạng .docx, .pdf (có lớp văn bản, không phải bản quét), .odt, .rtf hoặc .txt, hoặc dán báo cáo vào phần nội dung thư. Chi tiết (tiếng Anh): ${detail}`,
    missing_achievements: () => 'Vui lòng mô tả các thành tựu tại địa phương: thư viện đã làm gì và điều gì đã thay đổi.',
    missing_obstacles: () => 'Vui lòng mô tả các xu hướng và trở ngại mà Quý vị nhận thấy.',
    missing_future_actions: () => 'Vui lòng mô tả các hoạt động dự kiến trong tương lai ở cấp khu vực hoặc quốc tế.',
    late: ({ deadline }) => `Báo cáo đến sau hạn chót (${deadline}). Báo cáo vẫn được lưu lại; ban biên tập sẽ quyết định có thể đưa vào hay không.`,
  },
  templateHeading: 'Một báo cáo đáp ứng yêu cầu gồm:',
  template: (limit) => [
    'Thành tựu: thư viện đã làm gì và điều gì đã thay đổi tại địa phương.',
    'Xu hướng và trở ngại: điều gì hỗ trợ hoặc cản trở công việc.',
    'Hoạt động tương lai: dự kiến ở cấp khu vực hoặc quốc tế.',
    'Các Hướng hành động của WSIS mà công việc đóng góp vào (ví dụ C3 Tiếp cận thông tin và tri thức).',
    'Liên kết: địa chỉ web (https://…) tới các kết quả chính.',
    `Độ dài: tối đa ${limit} từ.`,
  ],
  resend: (address) => `Vui lòng trả lời thư này kèm báo cáo đã sửa (hoặc gửi tới ${address}); phiên bản mới nhất sẽ thay thế các phiên bản trước.`,
  acceptedNext: 'Quý vị không cần làm gì thêm. Nếu gửi phiên bản mới, phiên bản đó sẽ thay thế phiên bản này.',
  footer: 'Đây là thư tự động. Vui lòng ghi mã tham chiếu ở trên khi liên hệ với chúng tôi.',
};

const TEXTS: Readonly<Record<string, Texts>> & { readonly en: Texts } = { en: EN, fr: FR, es: ES, vi: VI };
