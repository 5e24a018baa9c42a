// Every string of the evaluation report, in Vietnamese (first) and English, and the formats of each language.

/** Report languages. */
export type Lang = 'vi' | 'en';

/** The province timezone dates are shown in (every unit uses it; no daylight saving). */
export const REPORT_TIMEZONE = 'Asia/Ho_Chi_Minh';

const vi = {
  title: 'Báo cáo đánh giá thí điểm đô thị thông minh',
  period: 'Kỳ đánh giá',
  generated: 'Lập lúc',
  provinces: 'Tỉnh / thành phố',
  source: 'Nguồn số liệu',
  summary: 'Tóm tắt',
  indicator: 'Chỉ số',
  incidents: 'Sự cố',
  incidentsTotal: 'Tổng số sự cố',
  incidentsPerWeekMean: 'Sự cố trung bình mỗi tuần',
  incidentsPerWeek: 'Sự cố theo tuần',
  week: 'Tuần',
  weekShort: 'T',
  byRule: 'Sự cố theo quy tắc',
  byZone: 'Sự cố theo khu vực',
  byStatus: 'Sự cố theo trạng thái',
  rule: 'Quy tắc',
  zone: 'Khu vực',
  status: 'Trạng thái',
  count: 'Số lượng',
  statusOpened: 'mới',
  statusAcknowledged: 'đã tiếp nhận',
  statusResolved: 'đã xử lý',
  statusDismissed: 'báo động giả',
  statusEscalated: 'đã leo thang',
  response: 'Thời gian phản hồi',
  timeToAcknowledge: 'Thời gian tiếp nhận',
  timeToResolve: 'Thời gian xử lý',
  median: 'trung vị',
  p90: 'P90',
  falseAlarmRate: 'Tỷ lệ báo động giả',
  falseAlarmNote: 'số báo động giả ÷ số sự cố đã đóng',
  cameras: 'Camera',
  cameraUptime: 'Tỷ lệ hoạt động của camera',
  cameraUptimeMean: 'Tỷ lệ hoạt động trung bình của camera',
  uptimeNote: 'khung hình nhận được ÷ khung hình dự kiến trong khung giờ hoạt động',
  camera: 'Camera',
  framesReceived: 'Khung hình nhận được',
  framesExpected: 'Dự kiến',
  uptime: 'Tỷ lệ hoạt động',
  sensors: 'Cảm biến',
  sensorCompleteness: 'Độ đầy đủ dữ liệu cảm biến',
  sensorCompletenessMean: 'Độ đầy đủ trung bình của cảm biến',
  sensor: 'Cảm biến',
  readings: 'Số lần đo',
  readingsExpected: 'Dự kiến',
  completeness: 'Độ đầy đủ',
  below90: 'dưới 90%',
  lowestSensors: 'Các cảm biến có độ đầy đủ thấp nhất',
  noCameras: 'Không có camera trong kỳ.',
  noSensors: 'Không có cảm biến trong kỳ.',
  noIncidents: 'Không có sự cố trong kỳ.',
  rekognition: 'Phân tích ảnh Rekognition: lượt gọi và lượt tiết kiệm',
  rekognitionCalls: 'Lượt gọi Rekognition',
  rekognitionSaved: 'Lượt tiết kiệm',
  callsMade: 'đã gọi',
  savedCarried: 'cảnh không đổi',
  savedInactiveHours: 'ngoài khung giờ',
  savedAdaptiveSkip: 'lấy mẫu thích ứng',
  savedTooSoon: 'quá sớm',
  capped: 'vượt hạn mức ngày',
  savedShare: 'tỷ lệ tiết kiệm',
  spend: 'Chi phí ước tính so với ngân sách',
  estimatedCost: 'Chi phí ước tính',
  budget: 'Ngân sách',
  budgetShare: 'đã dùng',
  spendNote: 'chi phí ước tính của kỳ (Rekognition) so với ngân sách tháng tính theo số ngày của kỳ',
  noData: 'không có dữ liệu',
  notes: 'Ghi chú',
  noteGenerated: 'Báo cáo do lệnh npm run report lập từ GET /kpis của từng tỉnh; số liệu của kỳ, không ước lượng thêm.',
  sourceApi: 'API đã triển khai',
  sourceLocal: 'tỉnh mô phỏng cục bộ',
  perProvince: 'Chi tiết theo tỉnh / thành phố',
  seconds: 'giây',
  minutes: 'phút',
  hours: 'giờ',
  total: 'Tổng',
  more: 'và {n} mục khác',
} as const;

/** Message keys of the catalogue. */
export type MessageKey = keyof typeof vi;

const en: Record<MessageKey, string> = {
  title: 'Smart-city pilot evaluation report',
  period: 'Evaluation period',
  generated: 'Generated',
  provinces: 'Province / city',
  source: 'Data source',
  summary: 'Summary',
  indicator: 'Indicator',
  incidents: 'Incidents',
  incidentsTotal: 'Incidents, total',
  incidentsPerWeekMean: 'Incidents per week, mean',
  incidentsPerWeek: 'Incidents per week',
  week: 'Week',
  weekShort: 'W',
  byRule: 'Incidents by rule',
  byZone: 'Incidents by zone',
  byStatus: 'Incidents by status',
  rule: 'Rule',
  zone: 'Zone',
  status: 'Status',
  count: 'Count',
  statusOpened: 'opened',
  statusAcknowledged: 'acknowledged',
  statusResolved: 'resolved',
  statusDismissed: 'dismissed (false alarm)',
  statusEscalated: 'escalated',
  response: 'Response times',
  timeToAcknowledge: 'Time to acknowledge',
  timeToResolve: 'Time to resolve',
  median: 'median',
  p90: 'P90',
  falseAlarmRate: 'False-alarm rate',
  falseAlarmNote: 'dismissed ÷ closed incidents',
  cameras: 'Cameras',
  cameraUptime: 'Camera uptime',
  cameraUptimeMean: 'Camera uptime, mean',
  uptimeNote: 'frames received ÷ frames expected in active hours',
  camera: 'Camera',
  framesReceived: 'Frames received',
  framesExpected: 'Expected',
  uptime: 'Uptime',
  sensors: 'Sensors',
  sensorCompleteness: 'Sensor data completeness',
  sensorCompletenessMean: 'Sensor completeness, mean',
  sensor: 'Sensor',
  readings: 'Readings',
  readingsExpected: 'Expected',
  completeness: 'Completeness',
  below90: 'below 90%',
  lowestSensors: 'Sensors with the lowest completeness',
  noCameras: 'No cameras in the period.',
  noSensors: 'No sensors in the period.',
  noIncidents: 'No incidents in the period.',
  rekognition: 'Rekognition image analysis: calls made and saved',
  rekognitionCalls: 'Rekognition calls',
  rekognitionSaved: 'Calls saved',
  callsMade: 'made',
  savedCarried: 'unchanged scene',
  savedInactiveHours: 'outside active hours',
  savedAdaptiveSkip: 'adaptive sampling',
  savedTooSoon: 'too soon',
  capped: 'over the daily cap',
  savedShare: 'share saved',
  spend: 'Estimated spend against budget',
  estimatedCost: 'Estimated cost',
  budget: 'Budget',
  budgetShare: 'used',
  spendNote: "the period's estimated cost (Rekognition) against the monthly budget pro rata of the period's days",
  noData: 'no data',
  notes: 'Notes',
  noteGenerated: "Made by npm run report from each province's GET /kpis; the period's own figures, nothing extrapolated.",
  sourceApi: 'deployed API',
  sourceLocal: 'local simulated province',
  perProvince: 'By province / city',
  seconds: 's',
  minutes: 'min',
  hours: 'h',
  total: 'Total',
  more: 'and {n} more',
};

/** The message catalogue: every user-facing string of the report, per language. */
export const MESSAGES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { vi, en };

/** Formats of one language: numbers with its separators (vi: 1.234,5), percentages, money, dates, durations. */
export interface Formats {
  readonly lang: Lang;
  readonly t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  readonly num: (n: number, digits?: number) => string;
  readonly pct: (share: number, digits?: number) => string;
  readonly usd: (n: number) => string;
  readonly vnd: (n: number) => string;
  /** A date in the province timezone: dd/MM/yyyy (vi), "25 Nov 2026" (en). */
  readonly date: (iso: string) => string;
  /** Date and time, 24-hour. */
  readonly dateTime: (iso: string) => string;
  /** A duration: seconds under 90, minutes under 90, else hours; null → "no data". */
  readonly duration: (seconds: number | null) => string;
}

/** The formats of `lang`. */
export function formats(lang: Lang): Formats {
  const locale = lang === 'vi' ? 'vi-VN' : 'en-GB';
  const m = MESSAGES[lang];
  const num = (n: number, digits = 0) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n);
  const fixed = (n: number, digits: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
  const dateFmt =
    lang === 'vi'
      ? new Intl.DateTimeFormat('en-GB', { timeZone: REPORT_TIMEZONE, day: '2-digit', month: '2-digit', year: 'numeric' })
      : new Intl.DateTimeFormat('en-GB', { timeZone: REPORT_TIMEZONE, day: 'numeric', month: 'short', year: 'numeric' });
  const timeFmt = new Intl.DateTimeFormat('en-GB', { timeZone: REPORT_TIMEZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return {
    lang,
    t: (key, vars) => m[key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars?.[k] ?? `{${k}}`)),
    num,
    pct: (share, digits = 1) => `${num(share * 100, digits)}%`,
    usd: (n) => (lang === 'vi' ? `${fixed(n, 2)} USD` : `$${fixed(n, 2)}`),
    vnd: (n) => `${num(Math.round(n))} ₫`,
    date: (iso) => dateFmt.format(new Date(iso)),
    dateTime: (iso) => `${dateFmt.format(new Date(iso))} ${timeFmt.format(new Date(iso))}`,
    duration: (s) => {
      if (s === null || !Number.isFinite(s)) return m.noData;
      if (s < 90) return `${num(s, 0)} ${m.seconds}`;
      if (s < 90 * 60) return `${num(s / 60, 1)} ${m.minutes}`;
      return `${num(s / 3600, 1)} ${m.hours}`;
    },
  };
}
