import type { RuleCategory } from '../db/seed';

/** Surnames with their approximate national share (per mille), so a village reads like a real one. */
export const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 71], ['李', 70], ['张', 67], ['刘', 54], ['陈', 46], ['杨', 31], ['黄', 25], ['赵', 23], ['吴', 20], ['周', 19],
  ['徐', 16], ['孙', 15], ['马', 14], ['朱', 13], ['胡', 12], ['郭', 11], ['何', 11], ['林', 10], ['高', 10], ['罗', 10],
  ['郑', 9], ['梁', 9], ['谢', 8], ['宋', 7], ['唐', 7], ['许', 6], ['韩', 6], ['邓', 6], ['冯', 6], ['曹', 6],
  ['彭', 5], ['曾', 5], ['肖', 5], ['田', 5], ['董', 5], ['潘', 4], ['袁', 4], ['蔡', 4], ['蒋', 4], ['余', 4],
  ['于', 4], ['杜', 4], ['叶', 4], ['程', 3], ['魏', 3], ['苏', 3], ['吕', 3], ['丁', 3], ['任', 3], ['卢', 3],
  ['姚', 3], ['沈', 3], ['钟', 3], ['姜', 3], ['崔', 3], ['谭', 3], ['陆', 2], ['范', 2], ['汪', 2], ['廖', 2],
  ['石', 2], ['金', 2], ['贾', 2], ['夏', 2], ['傅', 2], ['方', 2], ['邹', 2], ['熊', 2], ['白', 2], ['孟', 2],
  ['秦', 2], ['邱', 2], ['侯', 2], ['江', 2], ['尹', 2], ['薛', 2], ['段', 2], ['雷', 2], ['龙', 2], ['黎', 2],
  ['史', 2], ['陶', 2], ['贺', 2], ['毛', 2], ['郝', 2], ['顾', 2], ['龚', 2], ['邵', 2], ['万', 1], ['覃', 1],
  ['武', 1], ['钱', 1], ['戴', 1], ['严', 1], ['莫', 1], ['孔', 1], ['向', 1], ['常', 1],
  // Surnames read differently from the common character (曾 zēng, 单 shàn, 解 xiè) and a compound one.
  ['单', 0.6], ['解', 0.4], ['欧阳', 0.4],
];

type Era = 'old' | 'middle' | 'young';
/** Given names by the era a person was born in: 建国 and 秀英 are grandparents, 子轩 and 欣怡 grandchildren. */
export const GIVEN_NAMES: Record<Era, { male: string[]; female: string[] }> = {
  old: {
    male: ['建国', '建军', '国强', '志强', '德华', '保国', '长生', '福生', '金生', '水生', '春生', '明德', '有才', '富贵', '国平', '建华', '卫东', '红军', '德明', '学文', '树林', '满仓', '庆丰', '德胜', '福', '贵', '山', '林', '生', '发'],
    female: ['秀英', '桂英', '玉兰', '桂兰', '秀兰', '淑珍', '凤英', '翠花', '秀珍', '冬梅', '春花', '玉梅', '金花', '素芬', '桂芳', '月娥', '菊英', '兰英', '英', '兰', '珍', '梅', '凤', '芬'],
  },
  middle: {
    male: ['志刚', '海波', '建新', '晓东', '文斌', '小军', '永刚', '红波', '国庆', '立新', '小平', '建平', '伟', '强', '磊', '军', '勇', '杰', '涛', '斌', '鹏', '辉', '刚', '海', '波', '明', '华', '峰', '平', '林'],
    female: ['丽娟', '小燕', '海燕', '春燕', '秀梅', '红梅', '晓红', '丽华', '艳红', '美玲', '小红', '金凤', '丽', '娟', '敏', '静', '燕', '艳', '芳', '霞', '红', '玲', '萍', '琴'],
  },
  young: {
    male: ['浩然', '子轩', '宇航', '俊杰', '博文', '一鸣', '梓豪', '浩宇', '文博', '天佑', '明轩', '思远', '嘉豪', '家乐', '浩', '宇', '轩', '博', '睿', '俊', '凯', '鑫', '阳', '帆'],
    female: ['子涵', '欣怡', '雨涵', '梓涵', '诗琪', '思雨', '佳怡', '雨欣', '可欣', '心怡', '婉婷', '梦瑶', '紫萱', '佳琪', '雨桐', '若汐', '悦', '婷', '琪', '瑶', '璐', '洁', '倩', '萌'],
  },
};

export function eraOf(birthYear: number): Era {
  return birthYear < 1970 ? 'old' : birthYear < 1990 ? 'middle' : 'young';
}

/** The demo county: names a visitor remembers; larger generated counties add names built from PLACE_PARTS. */
export const DEMO_COUNTY = {
  county: '青山县',
  townships: [
    { name: '石门镇', villages: ['石门村', '枫树坪村', '龙潭村'] },
    { name: '桃源乡', villages: ['桃源村', '杨家湾村', '白沙村'] },
  ],
};

export const PLACE_PARTS = {
  first: ['青', '石', '桃', '柳', '杨', '龙', '凤', '高', '新', '东', '西', '南', '北', '黄', '白', '红', '金', '马', '朱', '竹', '梅', '荷', '枫', '松', '长', '大', '小', '双', '三', '五', '九', '陈', '李', '王', '刘', '张', '何', '罗', '谢', '曾', '彭', '胡', '桂', '兰', '茶', '莲', '花', '鹿', '鹤', '云', '清', '平', '安', '兴', '和', '丰', '福', '永', '太', '江'],
  second: ['山', '坪', '塘', '湾', '冲', '桥', '岭', '溪', '家', '庄', '岗', '田', '坝', '垅', '铺', '园', '峰', '洲', '林', '源', '口', '河', '湖', '坡', '台', '寨', '滩', '埠'],
  township: ['镇', '乡'],
};

export const GROUP_NAMES = ['一组', '二组', '三组', '四组', '五组', '六组'];

export interface RuleSeed {
  key: string;
  category: RuleCategory;
  name: string;
  points: number;
  unit: string;
  monthlyCap?: number;
  evidence?: boolean;
  blackList?: boolean;
  /** An earlier version in force for the first half of the history (村民代表大会调整分值). */
  earlierPoints?: number;
}

/** County template (县级积分细则), from published village rules: points for conduct, deductions for bad conduct. */
export const COUNTY_RULES: RuleSeed[] = [
  { key: 'labour', category: 'public_welfare', name: '参加义务劳动（修路、清淤、植树等）', points: 2, unit: '次', monthlyCap: 4 },
  { key: 'volunteer', category: 'public_welfare', name: '参加志愿服务活动', points: 3, unit: '次', monthlyCap: 3 },
  { key: 'emergency', category: 'public_welfare', name: '参与防汛抗旱、森林防火等应急工作', points: 5, unit: '次', monthlyCap: 2 },
  { key: 'blood', category: 'public_welfare', name: '无偿献血', points: 10, unit: '次', evidence: true },
  { key: 'donate', category: 'public_welfare', name: '捐资捐物支持村里公益事业', points: 10, unit: '次', monthlyCap: 1 },
  { key: 'yardTop', category: 'hygiene', name: '庭院整洁（月评·优）', points: 5, unit: '月', monthlyCap: 1, earlierPoints: 4 },
  { key: 'yardGood', category: 'hygiene', name: '庭院整洁（月评·良）', points: 3, unit: '月', monthlyCap: 1 },
  { key: 'yardPoor', category: 'hygiene', name: '庭院脏乱（月评·差）', points: -3, unit: '月', monthlyCap: 1 },
  { key: 'frontage', category: 'hygiene', name: '门前三包落实到位', points: 2, unit: '月', monthlyCap: 1 },
  { key: 'litter', category: 'hygiene', name: '乱倒垃圾、乱堆乱放', points: -5, unit: '次' },
  { key: 'livestock', category: 'hygiene', name: '畜禽散养污染环境', points: -5, unit: '次' },
  { key: 'goodMother', category: 'family_virtue', name: '评为“好婆婆”“好媳妇”', points: 20, unit: '次', evidence: true },
  { key: 'elderCare', category: 'family_virtue', name: '悉心照料患病、失能老人', points: 10, unit: '次', monthlyCap: 1 },
  { key: 'harmony', category: 'family_virtue', name: '家庭和睦、邻里互助', points: 5, unit: '次', monthlyCap: 1 },
  { key: 'noSupport', category: 'family_virtue', name: '不赡养老人', points: -50, unit: '次', blackList: true },
  { key: 'violence', category: 'family_virtue', name: '家庭暴力', points: -30, unit: '次', blackList: true },
  { key: 'simpleEvent', category: 'civility', name: '红白喜事简办', points: 10, unit: '次' },
  { key: 'zeroBride', category: 'civility', name: '婚事新办、不要彩礼', points: 20, unit: '次' },
  { key: 'civicTalk', category: 'civility', name: '参加移风易俗宣传', points: 2, unit: '次', monthlyCap: 2 },
  { key: 'brideprice', category: 'civility', name: '索要高额彩礼', points: -30, unit: '次', blackList: true, earlierPoints: -20 },
  { key: 'lavishFuneral', category: 'civility', name: '薄养厚葬、大操大办', points: -20, unit: '次', blackList: true },
  { key: 'fireworks', category: 'civility', name: '违规燃放烟花爆竹', points: -10, unit: '次' },
  { key: 'brave', category: 'law_abiding', name: '见义勇为', points: 30, unit: '次', evidence: true },
  { key: 'mediate', category: 'law_abiding', name: '协助调解邻里纠纷', points: 5, unit: '次', monthlyCap: 2 },
  { key: 'patrol', category: 'law_abiding', name: '参加平安巡逻', points: 2, unit: '次', monthlyCap: 4 },
  { key: 'gambling', category: 'law_abiding', name: '聚众赌博', points: -30, unit: '次', blackList: true },
  { key: 'strawBurn', category: 'law_abiding', name: '露天焚烧秸秆', points: -10, unit: '次' },
  { key: 'specialty', category: 'industrious', name: '发展特色种养业', points: 10, unit: '次' },
  { key: 'employ', category: 'industrious', name: '带动群众就业增收', points: 20, unit: '次' },
  { key: 'training', category: 'industrious', name: '参加职业技能培训', points: 3, unit: '次', monthlyCap: 2 },
  { key: 'insurance', category: 'industrious', name: '按时缴纳医保、养老保险', points: 5, unit: '年', monthlyCap: 1 },
  { key: 'college', category: 'education', name: '子女考上大学（本科）', points: 30, unit: '人', evidence: true },
  { key: 'highSchool', category: 'education', name: '子女考入普通高中', points: 10, unit: '人' },
  { key: 'studentHonour', category: 'education', name: '学生获县级以上表彰', points: 10, unit: '次', evidence: true },
  { key: 'nightSchool', category: 'education', name: '参加农民夜校、道德讲堂', points: 2, unit: '次', monthlyCap: 2 },
  { key: 'dropout', category: 'education', name: '适龄子女无故辍学', points: -20, unit: '人', blackList: true },
];

/** Village additions (村规民约 of one village). */
export const VILLAGE_RULES: RuleSeed[] = [
  { key: 'river', category: 'public_welfare', name: '参加护河巡查', points: 3, unit: '次', monthlyCap: 4 },
  { key: 'teaGarden', category: 'industrious', name: '茶园统一管护达标', points: 5, unit: '次', monthlyCap: 1 },
  { key: 'library', category: 'education', name: '农家书屋志愿值守', points: 2, unit: '次', monthlyCap: 4 },
];

export interface GoodsSeed {
  name: string;
  category: string;
  price: number;
  unit: string;
  monthlyLimit?: number;
}

export const VILLAGE_CORE_GOODS: GoodsSeed[] = [
  { name: '大米（10斤装）', category: '粮油', price: 40, unit: '袋', monthlyLimit: 2 },
  { name: '食用油（5升）', category: '粮油', price: 60, unit: '桶', monthlyLimit: 1 },
  { name: '食盐', category: '调味', price: 5, unit: '袋' },
  { name: '洗衣粉', category: '日化', price: 12, unit: '袋' },
];

export const VILLAGE_EXTRA_GOODS: GoodsSeed[] = [
  { name: '肥皂', category: '日化', price: 5, unit: '块', monthlyLimit: 5 },
  { name: '酱油', category: '调味', price: 8, unit: '瓶' },
  { name: '牙膏', category: '日化', price: 8, unit: '支' },
  { name: '洗洁精', category: '日化', price: 8, unit: '瓶' },
  { name: '毛巾', category: '日用', price: 10, unit: '条' },
  { name: '挂面', category: '粮油', price: 6, unit: '把' },
  { name: '卫生纸（10卷）', category: '日用', price: 15, unit: '提' },
  { name: '鸡蛋（30枚）', category: '副食', price: 30, unit: '盒', monthlyLimit: 2 },
];

export const TOWNSHIP_GOODS: GoodsSeed[] = [
  { name: '书包', category: '学习用品', price: 50, unit: '个' },
  { name: '作业本（10本）', category: '学习用品', price: 10, unit: '套' },
  { name: '文具套装', category: '学习用品', price: 15, unit: '套' },
  { name: '电饭煲', category: '家电', price: 200, unit: '台', monthlyLimit: 1 },
  { name: '暖水瓶', category: '日用', price: 35, unit: '个' },
  { name: '棉被', category: '日用', price: 150, unit: '床', monthlyLimit: 1 },
  { name: '护眼台灯', category: '家电', price: 80, unit: '台' },
  { name: '保温杯', category: '日用', price: 45, unit: '个' },
  { name: '洗发水', category: '日化', price: 20, unit: '瓶' },
  { name: '雨伞', category: '日用', price: 25, unit: '把' },
];

export const DONORS: readonly { name: string; kind: 'enterprise' | 'organisation' | 'unit' | 'person' }[] = [
  { name: '青山县农村商业银行', kind: 'enterprise' },
  { name: '湖南稻香米业有限公司', kind: 'enterprise' },
  { name: '青山县供销合作社', kind: 'unit' },
  { name: '中国移动青山分公司', kind: 'enterprise' },
  { name: '青山县妇女联合会', kind: 'organisation' },
  { name: '青山县红十字会', kind: 'organisation' },
  { name: '青山县慈善总会', kind: 'organisation' },
  { name: '县人民医院驻村工作队', kind: 'unit' },
  { name: '石门镇商会', kind: 'organisation' },
  { name: '绿源生态农业合作社', kind: 'enterprise' },
  { name: '在外乡贤联谊会', kind: 'organisation' },
  { name: '王建华（在外务工人员）', kind: 'person' },
  { name: '李秀兰', kind: 'person' },
];

export const REJECT_REASONS = ['佐证材料不足，请补充照片后重新申报', '经核实与事实不符', '同一事项已申报过', '不属于本细则适用范围'];
export const REVERSAL_REASONS = ['经村民代表会议复核，申报事实不符，予以冲正', '重复记分，予以冲正', '评议小组复核后撤销'];
export const OBJECTION_REASONS = ['听说这户私下收了彩礼，请评议小组核实', '丧事办了三天流水席，不能算简办'];
