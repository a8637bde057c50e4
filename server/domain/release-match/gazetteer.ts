// A small, general gazetteer: places, institutions and office titles a foreign-affairs press office
// meets every day, with their usual spellings in the languages journalists write in. It names no
// release; it only says that "Koweït", "Kuwait" and "الكويت" are one place. Names whose spellings
// transliterate regularly (Hammond / هاموند) are left to the consonant skeletons in skeleton.ts.
import { normalizeForMatch, stemWord } from '../text-normalize.ts';

// prettier-ignore
const ENTRIES: [string, ...string[]][] = [
  // Places
  ['kuwait', 'kuwait', 'kuwaiti', 'koweit', 'koweitien', 'kuwaitisch', 'الكويت', 'كويتي', 'كويتيين', 'kuveyt'],
  ['qatar', 'qatar', 'qatari', 'katar', 'قطر', 'قطري', 'doha', 'الدوحه'],
  ['bahrain', 'bahrain', 'bahrein', 'البحرين', 'بحريني', 'manama', 'المنامه'],
  ['uae', 'uae', 'emirates', 'emirati', 'emirats', 'الامارات', 'اماراتي', 'اماراتيين', 'dubai', 'دبي', 'abu dhabi', 'ابوظبي', 'ابو ظبي'],
  ['saudi', 'saudi', 'saudi arabia', 'arabie saoudite', 'saudi-arabien', 'السعوديه', 'سعودي', 'riyadh', 'الرياض', 'jeddah', 'جده'],
  ['oman', 'oman', 'muscat', 'سلطنه عمان', 'مسقط'],
  ['yemen', 'yemen', 'yemeni', 'اليمن', 'يمني', 'sanaa', 'صنعاء', 'aden', 'عدن', 'houthi', 'houthis', 'الحوثي', 'الحوثيين', 'حوثي'],
  ['iraq', 'iraq', 'iraqi', 'irak', 'irakien', 'العراق', 'عراقي', 'baghdad', 'bagdad', 'بغداد'],
  ['syria', 'syria', 'syrian', 'syrie', 'syrien', 'siria', 'suriye', 'سوريا', 'سوريه', 'سوري', 'السوريين', 'damascus', 'damas', 'دمشق'],
  ['aleppo', 'aleppo', 'alep', 'halab', 'حلب'],
  ['mosul', 'mosul', 'mossoul', 'الموصل'],
  ['fallujah', 'fallujah', 'falloujah', 'الفلوجه'],
  ['ramadi', 'ramadi', 'الرمادي'],
  ['raqqa', 'raqqa', 'raqqah', 'rakka', 'الرقه'],
  ['lebanon', 'lebanon', 'lebanese', 'liban', 'libanais', 'libano', 'لبنان', 'لبناني', 'beirut', 'beyrouth', 'بيروت'],
  ['jordan', 'jordan', 'jordanian', 'jordanie', 'jordanien', 'giordania', 'الاردن', 'اردني', 'amman', 'عمان'],
  ['egypt', 'egypt', 'egyptian', 'egypte', 'agypten', 'egitto', 'مصر', 'مصري', 'cairo', 'le caire', 'القاهره'],
  ['sharm', 'sharm el sheikh', 'sharm el-sheikh', 'charm el-cheikh', 'شرم الشيخ'],
  ['libya', 'libya', 'libyan', 'libye', 'libyen', 'libia', 'ليبيا', 'ليبي', 'tripoli', 'طرابلس', 'benghazi', 'بنغازي'],
  ['tunisia', 'tunisia', 'tunisian', 'tunisie', 'tunesien', 'تونس', 'تونسي', 'tunis'],
  ['morocco', 'morocco', 'moroccan', 'maroc', 'marocain', 'marokko', 'المغرب', 'مغربي', 'rabat'],
  ['algeria', 'algeria', 'algerie', 'الجزائر'],
  ['turkey', 'turkey', 'turkish', 'turquie', 'turkei', 'turchia', 'turkiye', 'تركيا', 'تركي', 'ankara', 'انقره', 'istanbul', 'اسطنبول'],
  ['iran', 'iran', 'iranian', 'ايران', 'ايراني', 'tehran', 'teheran', 'طهران'],
  ['israel', 'israel', 'israeli', 'اسرائيل', 'اسرائيلي'],
  ['palestine', 'palestine', 'palestinian', 'palestinien', 'فلسطين', 'فلسطيني', 'gaza', 'غزه', 'west bank', 'الضفه الغربيه'],
  ['jerusalem', 'jerusalem', 'al-quds', 'القدس'],
  ['kurdistan', 'kurdistan', 'kurdish', 'kurde', 'كردستان', 'كردي', 'الكرد', 'erbil', 'arbil', 'اربيل', 'peshmerga', 'البشمركه', 'البيشمركه'],
  ['mecca', 'mecca', 'makkah', 'la mecque', 'مكه', 'مكه المكرمه'],
  ['hajj', 'hajj', 'hadj', 'الحج', 'حج', 'حجاج', 'الحجاج'],
  ['russia', 'russia', 'russian', 'russie', 'russland', 'russo', 'rusya', 'روسيا', 'روسي'],
  ['usa', 'united states', 'etats-unis', 'usa', 'america', 'american', 'amerique', 'الولايات المتحده', 'امريكا', 'اميركا', 'امريكي'],
  ['uk', 'united kingdom', 'uk', 'britain', 'great britain', 'royaume-uni', 'grossbritannien', 'regno unito', 'reino unido', 'ingiltere',
    'المملكه المتحده', 'بريطانيا', 'بريطاني', 'البريطانيه', 'برطانیہ', 'برطانوی'],
  ['britons', 'british nationals', 'brits', 'britons', 'المواطنين البريطانيين', 'ressortissants britanniques'],
  ['london', 'london', 'londres', 'londra', 'لندن'],
  ['paris', 'paris', 'parigi', 'باريس'],
  ['brussels', 'brussels', 'bruxelles', 'brussel', 'brussel', 'bruselas', 'bruxelas', 'بروكسل'],
  ['rome', 'rome', 'roma', 'rom', 'روما'],
  ['vienna', 'vienna', 'vienne', 'wien', 'viena', 'فيينا'],
  ['geneva', 'geneva', 'geneve', 'genf', 'ginevra', 'ginebra', 'جنيف'],
  ['munich', 'munich', 'munchen', 'monaco di baviera', 'ميونخ', 'ميونيخ'],
  ['washington', 'washington', 'واشنطن'],
  ['new york', 'new york', 'نيويورك'],
  ['moscow', 'moscow', 'moscou', 'moskau', 'موسكو'],
  ['europe', 'european union', 'eu', 'union europeenne', 'ue', 'europaische union', 'unione europea', 'الاتحاد الاوروبي', 'اوروبا', 'اوروبيه', 'europe', 'european', 'europeenne', 'europeennes'],
  ['gulf', 'gulf', 'golfe', 'golf', 'الخليج', 'خليجي', 'الخليجيين'],
  ['gcc', 'gcc', 'gulf cooperation council', 'conseil de cooperation du golfe', 'مجلس التعاون', 'مجلس التعاون الخليجي'],
  ['middle east', 'middle east', 'moyen-orient', 'proche-orient', 'nahost', 'naher osten', 'الشرق الاوسط'],
  // Institutions and groups
  ['un', 'united nations', 'onu', 'nations unies', 'uno', 'vereinte nationen', 'الامم المتحده', 'اقوام متحدہ'],
  ['unsc', 'security council', 'unsc', 'conseil de securite', 'sicherheitsrat', 'consiglio di sicurezza', 'consejo de seguridad', 'مجلس الامن'],
  ['daesh', 'daesh', 'daech', 'isil', 'isis', 'islamic state', 'etat islamique', 'islamischer staat', 'داعش', 'تنظيم الدوله', 'الدوله الاسلاميه'],
  ['qaida', 'al qaida', 'al-qaida', 'al qaeda', 'al-qaeda', 'al-qaida', 'القاعده'],
  ['coalition', 'coalition', 'koalition', 'coalizione', 'coalicion', 'التحالف', 'التحالف الدولي'],
  ['nusra', 'nusra', 'al-nusra', 'jabhat al-nusra', 'النصره', 'جبهه النصره'],
  ['parliament', 'parliament', 'commons', 'house of commons', 'parlement', 'chambre des communes', 'مجلس العموم', 'البرلمان'],
  ['unhcr', 'unhcr', 'hcr', 'المفوضيه', 'مفوضيه اللاجيين'],
  ['undp', 'undp', 'pnud', 'برنامج الامم المتحده الانمايي'],
  // Offices and recurring subjects
  ['foreign secretary', 'foreign secretary', 'foreign minister', 'ministre des affaires etrangeres', 'aussenminister', 'ministro degli esteri',
    'ministro de asuntos exteriores', 'disisleri bakani', 'وزير الخارجيه'],
  ['foreign office', 'foreign office', 'fco', 'foreign and commonwealth office', 'وزاره الخارجيه', 'الخارجيه البريطانيه', 'disisleri bakanligi'],
  ['prime minister', 'prime minister', 'premier ministre', 'premierministerin', 'primo ministro', 'رييس الوزراء', 'رييسه الوزراء', 'وزیراعظم'],
  ['ambassador', 'ambassador', 'ambassadeur', 'botschafter', 'ambasciatore', 'embajador', 'السفير', 'سفير'],
  ['embassy', 'embassy', 'ambassade', 'botschaft', 'ambasciata', 'embajada', 'السفاره', 'سفاره'],
  ['minister middle east', 'minister for the middle east', 'middle east minister', 'وزير شوون الشرق الاوسط', 'staatsminister fur den nahen osten'],
  ['refugees', 'refugees', 'refugee', 'refugies', 'refugie', 'fluchtlinge', 'rifugiati', 'refugiados', 'اللاجيين', 'لاجي', 'لاجيين', 'اللاجيون'],
  ['sanctions', 'sanctions', 'sanktionen', 'sanzioni', 'sanciones', 'yaptirim', 'عقوبات', 'العقوبات'],
  ['stabilisation', 'stabilisation', 'stabilization', 'stabilisierung', 'stabilizzazione', 'الاستقرار', 'اعاده الاستقرار'],
  ['humanitarian', 'humanitarian', 'humanitaire', 'humanitar', 'umanitario', 'humanitario', 'الانسانيه', 'انسانيه'],
  ['visa', 'visa', 'visas', 'visum', 'تاشيره', 'التاشيره', 'تاشيرات'],
  ['travel advice', 'travel advice', 'conseils aux voyageurs', 'reisehinweise', 'seyahat uyarisi', 'نصايح السفر'],
  ['chemical weapons', 'chemical weapons', 'armes chimiques', 'chemiewaffen', 'الاسلحه الكيمياييه', 'اسلحه كيمياييه'],
  ['ceasefire', 'cessation of hostilities', 'ceasefire', 'cessez-le-feu', 'waffenruhe', 'وقف الاعمال العداييه', 'وقف اطلاق النار'],
  ['elections', 'elections', 'election', 'wahlen', 'انتخابات', 'الانتخابات'],
  ['christmas', 'christmas', 'noel', 'weihnachten', 'natale', 'navidad', 'عيد الميلاد', 'کرسمس'],
];

export interface GazetteerHit {
  concept: string;
  /** Index of the first word of the match in the word list. */
  at: number;
  length: number;
}

// Arabic prefixes a place name may carry: conjunction, preposition, article (في الكويت، بالكويت، وللكويت).
function bare(word: string): string {
  if (!/[\u0621-\u064a]/.test(word)) return stemWord(word);
  let w = word;
  if (w.length > 3 && /^[وف]/.test(w)) w = w.slice(1);
  if (w.length > 3 && /^[بلك]/.test(w) && !w.startsWith('ال')) w = w.slice(1);
  if (w.startsWith('لل') && w.length > 4) w = w.slice(2);
  else if (w.startsWith('ال') && w.length > 3) w = w.slice(2);
  return w;
}

interface Variant {
  words: string[];
  concept: string;
}
const BY_FIRST = new Map<string, Variant[]>();
for (const [concept, ...variants] of ENTRIES) {
  for (const v of variants) {
    const ws = normalizeForMatch(v).split(' ').filter(Boolean).map(bare);
    if (ws.length === 0) continue;
    const list = BY_FIRST.get(ws[0]!) ?? [];
    list.push({ words: ws, concept });
    BY_FIRST.set(ws[0]!, list);
  }
}
for (const list of BY_FIRST.values()) list.sort((a, b) => b.words.length - a.words.length);

/** Gazetteer concepts named in a list of normalised words (longest variant wins at each position). */
export function findConcepts(normWords: string[]): GazetteerHit[] {
  const bares = normWords.map(bare);
  const hits: GazetteerHit[] = [];
  for (let i = 0; i < bares.length; i++) {
    const list = BY_FIRST.get(bares[i]!);
    if (!list) continue;
    for (const v of list) {
      let ok = true;
      for (let j = 1; j < v.words.length; j++) {
        if (bares[i + j] !== v.words[j]) {
          ok = false;
          break;
        }
      }
      if (ok) {
        hits.push({ concept: v.concept, at: i, length: v.words.length });
        i += v.words.length - 1;
        break;
      }
    }
  }
  return hits;
}
