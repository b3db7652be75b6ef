"""General knowledge the rules use: suffixes, trigger words and stop words.

Nothing here names an entity of any particular article; every list is a kind of
word a reader of Chinese policy news would give.
"""

from __future__ import annotations

import re

CJK = r"\u3400-\u9fff\uf900-\ufaff"

# A policy document's title ends with one of these (before a trailing period such as (2024-2026年)).
PLAN_SUFFIXES = (
    "方案",
    "计划",
    "意见",
    "措施",
    "条例",
    "指南",
    "清单",
    "报告",
    "办法",
    "规划",
    "规定",
    "细则",
    "通知",
    "纲要",
    "决定",
    "政策",
    "举措",
    "标准",
    "目录",
    "路线图",
    "白皮书",
    "体系",
    "框架",
    "行动",
    "工程",
    "法",
    "若干条",
    "意见稿",
    "草案",
    "公告",
    "名单",
    "导则",
    "守则",
)
# 《》 titles that are media, not documents.
MEDIA_TITLE = re.compile(r"(日报|晚报|时报|周刊|杂志|报|新闻|电视台|论坛|年鉴|网)$")
PLAN_PERIOD = re.compile(
    r"[(（][^()（）]*\d{2,4}[^()（）]*[)）]$|[(（](征求意见稿|试行|草案|修订)[)）]$"
)

ISSUE_VERBS = (
    "印发",
    "发布",
    "出台",
    "制定",
    "施行",
    "公布",
    "征求意见",
    "颁布",
    "推出",
    "出炉",
    "审议通过",
    "正式实施",
    "开始实施",
    "起施行",
    "下发",
    "发出",
    "联合印发",
)
# Bodies above or beside the provinces: their plans are not issued by a province.
NATIONAL_ISSUERS = re.compile(
    r"(国务院|中共中央|党中央|工信部|工业和信息化部|国家[\u4e00-\u9fff]{0,8}(委|局|部|院|署|办)|"
    r"财政部|商务部|科技部|发展改革委员会|人民银行|证监会|全国人大)"
)
# Provincial departments: 省工信厅, 市经信委, 省通信管理局, 省人民政府, 省政府办公厅 ...
DEPARTMENTS = (
    "工业和信息化",
    "经济和信息化",
    "经济信息",
    "工信",
    "经信",
    "发展和改革",
    "发展改革",
    "发改",
    "科学技术",
    "科技",
    "商务",
    "财政",
    "教育",
    "数据",
    "大数据",
    "通信管理",
    "市场监督管理",
    "市场监管",
    "生态环境",
    "人力资源和社会保障",
    "人社",
    "自然资源",
    "住房和城乡建设",
    "住建",
    "交通运输",
    "农业农村",
    "文化和旅游",
    "文旅",
    "卫生健康",
    "卫健",
    "国资",
    "国有资产监督管理",
    "统计",
    "税务",
    "能源",
    "知识产权",
    "应急管理",
    "地方金融监督管理",
    "金融监管",
    "地方金融",
    "中小企业",
    "外事",
    "公安",
    "司法",
    "水利",
    "林业",
    "药品监督管理",
    "医疗保障",
    "审计",
    "民政",
    "网信",
    "投资促进",
    "招商",
    "口岸",
    "机关事务管理",
    "国防科工",
    "经济",
    "工业",
)
_DEPARTMENT = "|".join(sorted(map(re.escape, DEPARTMENTS), key=len, reverse=True))
AGENCY = re.compile(
    rf"(?:省|市|自治区)(?:人民政府办公厅|人民政府|政府办公厅|政府|(?:{_DEPARTMENT})"
    rf"(?:委员会|厅|委|局|办公室|办))"
)
# Short forms of department names → the official form (one node per department).
DEPARTMENT_FULL = (
    ("工信厅", "工业和信息化厅"),
    ("经信厅", "经济和信息化厅"),
    ("经信委", "经济和信息化委员会"),
    ("经济信息委", "经济和信息化委员会"),
    ("发展改革委", "发展和改革委员会"),
    ("发改委", "发展和改革委员会"),
    ("国资委", "国有资产监督管理委员会"),
    ("科技厅", "科学技术厅"),
    ("科技局", "科学技术局"),
    ("市场监管局", "市场监督管理局"),
    ("人社厅", "人力资源和社会保障厅"),
    ("住建厅", "住房和城乡建设厅"),
    ("政府办公厅", "人民政府办公厅"),
    ("政府", "人民政府"),
)

LOCATE_VERBS = (
    "落户",
    "位于",
    "坐落",
    "入驻",
    "开工",
    "投资",
    "建设",
    "建成",
    "投产",
    "选址",
    "签约",
    "布局",
    "新建",
    "扩建",
    "设立",
    "迁入",
    "总部",
)
FACILITY_WORDS = (
    "总部",
    "项目",
    "基地",
    "工厂",
    "产业园",
    "生产线",
    "研发中心",
    "智能制造基地",
    "制造基地",
    "产业基地",
    "二期",
    "三期",
    "一期",
)

# Company-name endings: a name that ends so is an enterprise.
COMPANY_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "集团",
    "公司",
    "交易所",
    "交易中心",
)
# Trade-name endings common in Chinese company short names (某某科技, 某某智能 ...).
TRADE_SUFFIXES = frozenset(
    (
        "科技",
        "智能",
        "电子",
        "电气",
        "汽车",
        "新能源",
        "新材料",
        "动力",
        "能源",
        "制药",
        "医药",
        "生物",
        "光电",
        "半导体",
        "软件",
        "信息",
        "通信",
        "机械",
        "重工",
        "化工",
        "钢铁",
        "材料",
        "装备",
        "数据",
        "网络",
        "微电子",
        "航空",
        "航天",
        "乘用车",
        "物流",
    )
)
# Words that end organisation names that are not enterprises.
NOT_ENTERPRISE = re.compile(
    r"(大学|学院|学校|研究院|研究所|研究中心|实验室|科学院|工程院|协会|学会|联盟|商会|委员会|"
    r"政府|厅|局|委|办|部|报社|日报|电视台|出版社|医院|中心|基金|银行业|论坛|大会|展览会|博览会)$"
)
# Names that end in these are places (zones, parks), not enterprises.
ZONE_SUFFIXES = (
    "经济技术开发区",
    "高新技术产业开发区",
    "经济开发区",
    "高新技术开发区",
    "技术开发区",
    "产业开发区",
    "开发区",
    "高新区",
    "经开区",
    "新区",
    "工业园区",
    "产业园区",
    "工业园",
    "产业园",
    "科技园",
    "软件园",
    "科学城",
    "协同创新区",
    "创新区",
    "先导区",
    "示范区",
    "试验区",
    "自贸区",
    "保税区",
    "综合保税区",
    "特别合作区",
    "合作区",
    "数据谷",
    "智谷",
    "数谷",
    "港区",
    "园区",
    "生态城",
    "科技城",
)
# A zone name never starts with these (各类开发区, 全省高新区 ...).
ZONE_GENERIC_PREFIX = re.compile(
    r"^(各类?|全省|全市|全国|国内|首个|首批|本|该|其|这|我|一批|一个|多个|省级|国家级|市级|县级|重点|相关|有关)"
)

# Words before a place or enterprise name that are not part of it.
LEFT_STOPS = (
    "在",
    "于",
    "到",
    "至",
    "从",
    "向",
    "和",
    "与",
    "及",
    "以及",
    "同",
    "的",
    "是",
    "为",
    "将",
    "把",
    "对",
    "由",
    "等",
    "了",
    "其中",
    "包括",
    "如",
    "入驻",
    "落户",
    "位于",
    "支持",
    "推动",
    "引导",
    "鼓励",
    "聚焦",
    "围绕",
    "依托",
    "打造",
    "建设",
    "培育",
    "推进",
    "加快",
    "知名",
    "龙头",
    "企业",
    "公司",
    "项目",
    "图为",
    "实施",
    "开展",
    "其中",
    "以及",
)

# A number stated as a fact of the past or present, not a goal.
PAST_MARKERS = re.compile(
    r"(截至|截止|已经|已累计|累计|已有|已建成|已培育|已认定|去年|上年|同比|比上年|实现了|达到了|完成了|"
    r"数据显示|据统计|统计显示|目前|现有|拥有|位居|居全国)"
)
TARGET_MARKERS = re.compile(
    r"(到\s*\d{4}\s*年|至\s*\d{4}\s*年|\d{4}\s*年(?:底|末|年底|年末|前)|力争|目标|争取|确保|计划|预计|"
    r"每年|年均|新增|培育|打造|突破|达到|超过|增长|提升|提高|翻一番|不低于|不少于|实现|建成|引育|选育|遴选|储备|形成)"
)
