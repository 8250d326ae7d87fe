//! Realistic demo data: a home-appliance, phone and furniture retailer with stores in several
//! cities, and its complaints over two years, written through the event log like any other
//! data. The same seed and end date give the same organisation, consumers and cases.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::SqliteConnection;

use crate::actor::Actor;
use crate::auth::RoleCode;
use crate::calendar::Calendar;
use crate::case_no;
use crate::domain::case::{
    CaseStatus, Category, Channel, Complexity, ConsumerContact, ContactMethod, Demand,
    Satisfaction, Severity,
};
use crate::domain::events::{
    AccountCreated, CaseAssigned, CaseClockPaused, CaseClockResumed, CaseClosed, CaseCreated,
    CaseFeedbackRecorded, CaseTransitioned, EventBody, OrgUnitCreated, PasswordSetBy,
    SealedCaseText,
};
use crate::domain::org::OrgUnitKind;
use crate::domain::workflow::MAIN_PATH;
use crate::error::CoreResult;
use crate::event_log::{self, NewEvent};
use crate::ops::accounts::insert_account;
use crate::pii;
use crate::storage::Db;
use crate::time::{china, to_db};

/// Cases written per transaction: progress is visible and memory stays flat at any size.
const BATCH: usize = 1_000;

pub struct DemoPlan {
    pub cases: u32,
    pub seed: u64,
    /// The day the history ends (China time); cases spread over the two years before it.
    pub until: NaiveDate,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct DemoOutcome {
    pub cases_created: u32,
    pub org_units_created: u32,
    pub events_written: u64,
}

struct Unit {
    code: &'static str,
    name: &'static str,
    kind: OrgUnitKind,
    parent: Option<&'static str>,
    city: Option<&'static str>,
}

const fn unit(
    code: &'static str,
    name: &'static str,
    kind: OrgUnitKind,
    parent: Option<&'static str>,
    city: Option<&'static str>,
) -> Unit {
    Unit { code, name, kind, parent, city }
}

use OrgUnitKind::{Branch, Company, Department, Store};

const ORGANISATION: &[Unit] = &[
    unit("CO", "鸿远家电连锁股份有限公司", Company, None, Some("上海")),
    unit("BR-EC", "华东分公司", Branch, Some("CO"), Some("上海")),
    unit("BR-NC", "华北分公司", Branch, Some("CO"), Some("北京")),
    unit("BR-SC", "华南分公司", Branch, Some("CO"), Some("广州")),
    unit("BR-SW", "西南分公司", Branch, Some("CO"), Some("成都")),
    unit("BR-CC", "华中分公司", Branch, Some("CO"), Some("武汉")),
    unit("DEP-CS", "客户服务部", Department, Some("CO"), None),
    unit("DEP-AS", "售后服务部", Department, Some("CO"), None),
    unit("DEP-LG", "物流配送部", Department, Some("CO"), None),
    unit("DEP-SL", "销售部", Department, Some("CO"), None),
    unit("DEP-IN", "安装服务部", Department, Some("CO"), None),
    unit("DEP-QA", "质量管理部", Department, Some("CO"), None),
    unit("DEP-LEGAL", "法务部", Department, Some("CO"), None),
    unit("ST-SH-XH", "上海徐汇店", Store, Some("BR-EC"), Some("上海")),
    unit("ST-SH-PD", "上海浦东店", Store, Some("BR-EC"), Some("上海")),
    unit("ST-HZ-XH", "杭州西湖店", Store, Some("BR-EC"), Some("杭州")),
    unit("ST-NJ-XW", "南京新街口店", Store, Some("BR-EC"), Some("南京")),
    unit("ST-BJ-CY", "北京朝阳店", Store, Some("BR-NC"), Some("北京")),
    unit("ST-BJ-HD", "北京海淀店", Store, Some("BR-NC"), Some("北京")),
    unit("ST-TJ-HP", "天津和平店", Store, Some("BR-NC"), Some("天津")),
    unit("ST-GZ-TH", "广州天河店", Store, Some("BR-SC"), Some("广州")),
    unit("ST-SZ-NS", "深圳南山店", Store, Some("BR-SC"), Some("深圳")),
    unit("ST-CD-JJ", "成都锦江店", Store, Some("BR-SW"), Some("成都")),
    unit("ST-CQ-YZ", "重庆渝中店", Store, Some("BR-SW"), Some("重庆")),
    unit("ST-WH-JH", "武汉江汉店", Store, Some("BR-CC"), Some("武汉")),
    unit("ST-CS-FR", "长沙芙蓉店", Store, Some("BR-CC"), Some("长沙")),
];

#[derive(Clone, Copy, PartialEq)]
enum Line {
    Appliance,
    Phone,
    Furniture,
    Service,
}

struct Product {
    name: &'static str,
    models: &'static [&'static str],
    price_yuan: (i64, i64),
    line: Line,
    department: &'static str,
}

const fn product(
    name: &'static str,
    models: &'static [&'static str],
    price_yuan: (i64, i64),
    line: Line,
    department: &'static str,
) -> Product {
    Product { name, models, price_yuan, line, department }
}

const PRODUCTS: &[Product] = &[
    product("燃气热水器", &["JSQ25-13R", "JSQ30-16W"], (1899, 3499), Line::Appliance, "DEP-AS"),
    product("电热水器", &["EC6002-MC5", "EC8003-Q6"], (1299, 2599), Line::Appliance, "DEP-AS"),
    product("变频空调", &["KFR-35GW/A1", "KFR-50LW/B3"], (2899, 6999), Line::Appliance, "DEP-IN"),
    product("滚筒洗衣机", &["XQG100-B14", "XQG120-HB"], (2399, 4599), Line::Appliance, "DEP-AS"),
    product("对开门冰箱", &["BCD-470WDPG", "BCD-601WGH"], (3599, 7999), Line::Appliance, "DEP-AS"),
    product("吸油烟机", &["CXW-220-E900", "CXW-260-S7"], (1599, 3999), Line::Appliance, "DEP-IN"),
    product("扫地机器人", &["T20 Pro", "S10 Max"], (1599, 3299), Line::Appliance, "DEP-AS"),
    product(
        "智能手机",
        &["X20 Pro 256GB", "Note 12 128GB", "X20 512GB"],
        (1299, 6499),
        Line::Phone,
        "DEP-SL",
    ),
    product("平板电脑", &["Pad 11 128GB", "Pad Air 256GB"], (1999, 4299), Line::Phone, "DEP-SL"),
    product("智能手表", &["Watch 4", "Band 9"], (299, 2299), Line::Phone, "DEP-SL"),
    product(
        "实木餐桌",
        &["1.4米 北美白橡", "1.6米 黑胡桃"],
        (2680, 6980),
        Line::Furniture,
        "DEP-LG",
    ),
    product("布艺沙发", &["三人位 科技布", "L型 转角"], (3280, 8980), Line::Furniture, "DEP-LG"),
    product("乳胶床垫", &["1.8米×2.0米", "1.5米×2.0米"], (1980, 5980), Line::Furniture, "DEP-LG"),
    product("空调安装服务", &["标准安装", "高空作业安装"], (150, 600), Line::Service, "DEP-IN"),
    product("家电维修服务", &["上门检测维修"], (80, 480), Line::Service, "DEP-AS"),
    product("延长保修服务", &["3年延保", "5年延保"], (199, 899), Line::Service, "DEP-SL"),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "欧阳", "司马", "诸葛",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建国", "建华", "志强", "晓燕", "海燕",
    "子涵", "浩然", "梓萱", "一诺", "欣怡", "宇轩", "思远", "雨桐",
];
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "157", "158", "159", "166", "173", "177", "180", "181", "186", "187", "188", "189", "191",
    "198", "199",
];
const STREETS: &[&str] = &[
    "漕溪北路",
    "世纪大道",
    "文三路",
    "中山路",
    "建国路",
    "中关村大街",
    "南京路",
    "天河路",
    "深南大道",
    "春熙路",
    "解放碑步行街",
    "江汉路",
    "五一大道",
];
/// The password of every demo account (documented in the README).
pub const DEMO_PASSWORD: &str = "Demo2026";

/// One account per role, and a handler in each department that handles cases.
const DEMO_ACCOUNTS: &[(&str, &str, RoleCode, &str)] = &[
    ("agent01", "林晓", RoleCode::IntakeAgent, "DEP-CS"),
    ("agent02", "周婷", RoleCode::IntakeAgent, "DEP-CS"),
    ("store01", "吴倩", RoleCode::IntakeAgent, "ST-SH-XH"),
    ("handler.as", "陈静", RoleCode::Handler, "DEP-AS"),
    ("handler.lg", "刘洋", RoleCode::Handler, "DEP-LG"),
    ("handler.in", "赵磊", RoleCode::Handler, "DEP-IN"),
    ("handler.sl", "孙丽", RoleCode::Handler, "DEP-SL"),
    ("handler.qa", "郑伟", RoleCode::Handler, "DEP-QA"),
    ("handler.cs", "王芳", RoleCode::Handler, "DEP-CS"),
    ("legal01", "黄律", RoleCode::Legal, "DEP-LEGAL"),
    ("head.as", "唐志远", RoleCode::DepartmentHead, "DEP-AS"),
    ("manager01", "吴建国", RoleCode::Manager, "CO"),
    ("sysadmin", "何敏", RoleCode::Administrator, "CO"),
];

/// A demo account as cases refer to it.
#[derive(Clone)]
struct Person {
    id: String,
    name: String,
}

const APPLIANCE_FAULTS: &[&str] =
    &["漏水", "不制热", "噪音过大", "频繁显示E1故障码", "无法开机", "制冷效果差"];
const PHONE_FAULTS: &[&str] =
    &["屏幕闪烁", "电池鼓包", "充电时严重发烫", "频繁自动重启", "摄像头无法对焦"];
const FURNITURE_FAULTS: &[&str] =
    &["桌面开裂", "异味明显", "油漆大面积脱落", "尺寸与宣传不符", "弹簧塌陷"];
const SERVICE_FAULTS: &[&str] =
    &["安装后管道渗水", "维修后故障复现", "师傅未按约定时间上门", "额外收取材料费"];

fn weighted<'a, T>(rng: &mut ChaCha8Rng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.gen_range(0..total);
    for (item, w) in items {
        if pick < *w {
            return item;
        }
        pick -= w;
    }
    &items[items.len() - 1].0
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    items.choose(rng).unwrap_or(&items[0])
}

/// A UUIDv7 whose time is `at` and whose random bits come from the seeded generator, mixed
/// with this site's salt: the same seed gives the same demo at every site, under ids of its own
/// (two pilot sites that both load the demo before syncing do not create one record twice).
fn seeded_uuid(rng: &mut ChaCha8Rng, at: DateTime<Utc>, salt: &[u8; 10]) -> String {
    let mut bytes: [u8; 10] = rng.gen();
    for (b, s) in bytes.iter_mut().zip(salt) {
        *b ^= s;
    }
    let ms = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid().to_string()
}

/// This site's salt for demo ids: from its id, so fixed for the database.
fn id_salt(db: &Db) -> [u8; 10] {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(db.site().site_id.as_bytes());
    let mut salt = [0u8; 10];
    salt.copy_from_slice(&digest[..10]);
    salt
}

fn yuan(fen: i64) -> String {
    let y = fen / 100;
    let digits = y.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("¥{grouped}.{:02}", fen % 100)
}

struct Drafted {
    case_id: String,
    handler: Option<Person>,
    created: CaseCreated,
    text: SealedCaseText,
    received: DateTime<Utc>,
    target: CaseStatus,
    closing: Option<CaseClosed>,
    due: DateTime<Utc>,
}

struct Generator {
    rng: ChaCha8Rng,
    salt: [u8; 10],
    consumers: Vec<(String, ConsumerContact)>,
    org_ids: std::collections::HashMap<&'static str, String>,
    /// The intake agents, and the handler of each department by its code.
    agents: Vec<Person>,
    handlers: std::collections::HashMap<&'static str, Person>,
    until: DateTime<Utc>,
}

impl Generator {
    fn consumer(&mut self, at: DateTime<Utc>) -> (String, ConsumerContact) {
        // About one complaint in twelve comes from someone who complained before.
        if !self.consumers.is_empty() && self.rng.gen_ratio(1, 12) {
            let i = self.rng.gen_range(0..self.consumers.len());
            return self.consumers[i].clone();
        }
        let rng = &mut self.rng;
        let name = format!("{}{}", pick(rng, SURNAMES), pick(rng, GIVEN));
        let mobile =
            format!("{}{:08}", pick(rng, MOBILE_PREFIXES), rng.gen_range(0..100_000_000u32));
        let address = rng.gen_ratio(2, 3).then(|| {
            format!(
                "{}{}号{}室",
                pick(rng, STREETS),
                rng.gen_range(1..999),
                rng.gen_range(101..2808)
            )
        });
        let email =
            rng.gen_ratio(1, 5).then(|| format!("u{}@example.cn", rng.gen_range(10_000..99_999)));
        let contact =
            ConsumerContact { name, mobile: Some(mobile), landline: None, email, address };
        let id = seeded_uuid(&mut self.rng, at, &self.salt);
        if self.consumers.len() < 50_000 {
            self.consumers.push((id.clone(), contact.clone()));
        }
        (id, contact)
    }

    fn draft(&mut self, received: DateTime<Utc>) -> Drafted {
        let case_id = seeded_uuid(&mut self.rng, received, &self.salt);
        let (consumer_id, consumer) = self.consumer(received);
        let rng = &mut self.rng;
        let product = pick(rng, PRODUCTS);
        let model = pick(rng, product.models);
        let quantity = if product.line == Line::Furniture { rng.gen_range(1..=2) } else { 1 };
        let price_fen = rng.gen_range(product.price_yuan.0..=product.price_yuan.1) * 100;
        let store = pick(rng, &ORGANISATION[13..]);
        let channel = *weighted(
            rng,
            &[
                (Channel::Hotline, 30),
                (Channel::Store, 20),
                (Channel::App, 15),
                (Channel::Wechat, 12),
                (Channel::Website, 8),
                (Channel::RegulatorReferral, 6),
                (Channel::LetterEmail, 3),
                (Channel::Media, 3),
                (Channel::Other, 3),
            ],
        );
        let category = *weighted(
            rng,
            &[
                (Category::ProductQuality, 30),
                (Category::AfterSales, 20),
                (Category::DeliveryLogistics, 12),
                (Category::PriceCharges, 10),
                (Category::ServiceAttitude, 8),
                (Category::MisleadingAdvertising, 6),
                (Category::ContractTerms, 5),
                (Category::SafetyHarm, 4),
                (Category::PersonalInformation, 3),
                (Category::Other, 2),
            ],
        );
        let severity = *weighted(
            rng,
            &[
                (Severity::General, 70),
                (Severity::Serious, 22),
                (Severity::Major, 6),
                (Severity::Mass, 2),
            ],
        );
        let complexity = if severity == Severity::General && rng.gen_ratio(2, 5) {
            Complexity::Simple
        } else {
            Complexity::Complex
        };
        let days_used = rng.gen_range(2..200);
        let purchased = received - Duration::days(days_used);
        let fault = pick(
            rng,
            match product.line {
                Line::Appliance => APPLIANCE_FAULTS,
                Line::Phone => PHONE_FAULTS,
                Line::Furniture => FURNITURE_FAULTS,
                Line::Service => SERVICE_FAULTS,
            },
        );
        let (demand, demand_amount_fen, content) =
            complaint_text(rng, category, product, model, fault, days_used, price_fen);
        let department = match category {
            Category::DeliveryLogistics => "DEP-LG",
            Category::ServiceAttitude | Category::PersonalInformation => "DEP-CS",
            Category::ContractTerms | Category::MisleadingAdvertising => "DEP-SL",
            Category::SafetyHarm => "DEP-QA",
            _ => product.department,
        };
        let (ack_days, deadline_days) = crate::settings::limits_for(
            &crate::settings::default_deadline_rules(),
            channel.code(),
            severity,
        );
        let due = Calendar::shipped().add_working_days(
            received,
            if complexity == Complexity::Simple { 0 } else { deadline_days },
        );
        let age_days = (self.until - received).num_days();
        let target = if complexity == Complexity::Simple {
            CaseStatus::Closed
        } else if age_days > 45 {
            *weighted(
                rng,
                &[
                    (CaseStatus::Closed, 92),
                    (CaseStatus::Withdrawn, 5),
                    (CaseStatus::Executing, 2),
                    (CaseStatus::Feedback, 1),
                ],
            )
        } else {
            let weights: Vec<(CaseStatus, u32)> = MAIN_PATH
                .iter()
                .map(|s| (*s, if *s == CaseStatus::Closed { (age_days as u32).max(2) } else { 10 }))
                .collect();
            *weighted(rng, &weights)
        };
        let handler = (complexity == Complexity::Complex)
            .then(|| self.handlers.get(department).cloned())
            .flatten();
        let receiver = pick(rng, &self.agents).clone();
        let closing = (target == CaseStatus::Closed)
            .then(|| closing_for(rng, category, demand, price_fen, complexity));
        let text = SealedCaseText { consumer, content };
        Drafted {
            handler,
            created: CaseCreated {
                case_no: String::new(),
                received_at: to_db(received),
                channel: channel.code().to_owned(),
                store_id: self.org_ids.get(store.code).cloned(),
                department_id: self.org_ids.get(department).cloned(),
                consumer_id,
                sealed: String::new(),
                product_name: product.name.to_owned(),
                product_model: Some((*model).to_owned()),
                quantity,
                amount_paid_fen: Some(price_fen * quantity),
                order_no: Some(format!(
                    "HY{}{:06}",
                    received.with_timezone(&china()).format("%Y%m%d"),
                    self.rng.gen_range(0..1_000_000)
                )),
                purchased_at: Some(to_db(purchased)),
                category: category.code().to_owned(),
                severity,
                complexity,
                demand,
                demand_amount_fen,
                received_by: receiver.name,
                received_by_id: Some(receiver.id),
                handler: None,
                handler_id: None,
                due_at: Some(to_db(due)),
                expected_resolution: (complexity == Complexity::Complex)
                    .then(|| due.with_timezone(&china()).date_naive().to_string()),
                ack_due_at: Some(to_db(Calendar::shipped().add_working_days(received, ack_days))),
                // Hotline and counter complaints are acknowledged on the spot.
                acknowledged: complexity == Complexity::Simple
                    || matches!(channel, Channel::Hotline | Channel::Store)
                    || age_days > 2,
                import: None,
            },
            case_id,
            text,
            received,
            target,
            closing,
            due,
        }
    }
}

fn complaint_text(
    rng: &mut ChaCha8Rng,
    category: Category,
    product: &Product,
    model: &str,
    fault: &str,
    days_used: i64,
    price_fen: i64,
) -> (Demand, Option<i64>, String) {
    let p = product.name;
    match category {
        Category::ProductQuality => {
            let demand = *pick(rng, &[Demand::Refund, Demand::Exchange, Demand::Repair]);
            let ask = match demand {
                Demand::Refund => "退货退款",
                Demand::Exchange => "更换新机",
                _ => "免费维修",
            };
            (demand, None, format!("消费者反映购买的{p}（型号 {model}）使用{days_used}天后出现{fault}，已影响正常使用，要求{ask}。"))
        }
        Category::AfterSales => (
            Demand::Repair,
            None,
            format!("{p}（{model}）出现{fault}，报修后{}天仍无人上门，多次致电客服未获明确答复，要求尽快维修并说明原因。", rng.gen_range(3..12)),
        ),
        Category::DeliveryLogistics => {
            let late = rng.gen_range(2..10);
            (Demand::Compensation, Some(rng.gen_range(1..5) * 10_000), format!("订购的{p}约定送货日期后延迟{late}天才送达，外包装破损，消费者要求补偿因多次请假等待造成的损失。"))
        }
        Category::PriceCharges => {
            let diff = price_fen / 100 * rng.gen_range(5..15) / 100;
            (Demand::Refund, Some(diff * 100), format!("消费者购买{p}后第{}天发现同款降价{diff}元，门店拒绝按价保承诺退还差价。", rng.gen_range(3..15)))
        }
        Category::ServiceAttitude => (Demand::Apology, None, format!("消费者在门店咨询{p}退换事宜时，店员态度生硬、多次推诿，消费者要求书面道歉。")),
        Category::MisleadingAdvertising => (
            Demand::Refund,
            None,
            format!("宣传页称{p}“{}”，实际使用与宣传明显不符，消费者认为存在虚假宣传，要求退货。", pick(rng, &["一级能效、省电40%", "超长续航两天", "全实木无拼接", "静音不超过35分贝"])),
        ),
        Category::ContractTerms => (Demand::Other, None, format!("{p}的延保合同中免责条款与销售人员口头承诺不一致，消费者要求按承诺履行保修。")),
        Category::SafetyHarm => {
            let amount = rng.gen_range(5..100) * 10_000;
            (Demand::Compensation, Some(amount), format!("{p}（{model}）使用中{}，造成{}，消费者要求赔偿损失{}。", pick(rng, &["突然冒烟起火", "外壳带电", "玻璃面板自爆"]), pick(rng, &["厨房墙面熏黑", "手部轻微灼伤", "地板损坏"]), yuan(amount)))
        }
        Category::PersonalInformation => (Demand::Apology, None, "消费者在门店登记购机信息后频繁接到推销电话，怀疑个人信息被泄露，要求查明并道歉。".to_owned()),
        Category::Other => (Demand::Other, None, format!("消费者对{p}的发票开具时间提出异议，要求尽快补开。")),
    }
}

fn closing_for(
    rng: &mut ChaCha8Rng,
    category: Category,
    demand: Demand,
    price_fen: i64,
    complexity: Complexity,
) -> CaseClosed {
    let result = match demand {
        Demand::Refund => {
            format!("经核实情况属实，为消费者办理退货退款，{}已原路退回。", yuan(price_fen))
        }
        Demand::Exchange => "经检测确认为产品质量问题，已为消费者更换同型号新机。".to_owned(),
        Demand::Repair => "已安排售后工程师上门维修，故障排除，消费者确认可正常使用。".to_owned(),
        Demand::Compensation => {
            format!("经协商一致，向消费者支付补偿{}，并致歉。", yuan(rng.gen_range(1..20) * 10_000))
        }
        Demand::Apology => "门店负责人已向消费者当面致歉，并对相关员工进行批评教育。".to_owned(),
        Demand::Other => "已向消费者解释相关规定并按其合理要求处理完毕。".to_owned(),
    };
    let root_cause = match category {
        Category::ProductQuality | Category::SafetyHarm => {
            *pick(rng, &["product_defect", "supplier", "consumer_misuse"])
        }
        Category::AfterSales => *pick(rng, &["installation", "staff_conduct"]),
        Category::DeliveryLogistics => "logistics",
        Category::PriceCharges => "pricing_error",
        Category::ContractTerms | Category::MisleadingAdvertising => "contract_terms",
        Category::ServiceAttitude | Category::PersonalInformation => "staff_conduct",
        Category::Other => "other",
    };
    let satisfaction = if complexity == Complexity::Simple {
        *weighted(rng, &[(Satisfaction::Satisfied, 80), (Satisfaction::FairlySatisfied, 20)])
    } else {
        *weighted(rng, &[(Satisfaction::Satisfied, 70), (Satisfaction::FairlySatisfied, 30)])
    };
    CaseClosed {
        result,
        satisfaction: Some(satisfaction),
        root_cause: Some(root_cause.to_owned()),
        typical: false,
    }
}

/// Writes the organisation (what is missing of it) and `plan.cases` cases with their events.
/// `progress` is called after each batch with the number of cases written so far.
pub async fn generate(
    db: &Db,
    actor: &Actor,
    plan: &DemoPlan,
    mut progress: impl FnMut(u32),
) -> CoreResult<DemoOutcome> {
    let mut outcome = DemoOutcome::default();
    let events_before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(db.pool()).await?;
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed);
    // Demo data added to a database that already has cases continues on another stream of the
    // same seed, so its ids never collide with the first batch's.
    let existing: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(db.pool()).await?;
    rng.set_stream(u64::try_from(existing).unwrap_or(0));
    let until_cn = china()
        .from_local_datetime(&plan.until.and_hms_opt(21, 0, 0).unwrap_or_default())
        .single()
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
        // Nothing happens in the future, even when the history ends today.
        .min(Utc::now());
    let org_ids = ensure_organisation(db, actor, &mut rng, &mut outcome).await?;
    let (agents, handlers) = ensure_accounts(db, actor, &mut rng, &org_ids).await?;
    let mut gen = Generator {
        rng,
        salt: id_salt(db),
        consumers: Vec::new(),
        org_ids,
        agents,
        handlers,
        until: until_cn,
    };

    // Received times first, in order, so case numbers follow time as they would in life.
    let mut received: Vec<DateTime<Utc>> = (0..plan.cases)
        .map(|_| {
            let day = gen.rng.gen_range(0..730);
            let hour = *weighted(
                &mut gen.rng,
                &[
                    (8, 3),
                    (9, 8),
                    (10, 10),
                    (11, 10),
                    (13, 8),
                    (14, 10),
                    (15, 10),
                    (16, 9),
                    (17, 7),
                    (19, 6),
                    (20, 5),
                ],
            );
            let date = until_cn.with_timezone(&china()) - Duration::days(day);
            date.with_hour(hour)
                .and_then(|d| d.with_minute(gen.rng.gen_range(0..60)))
                .and_then(|d| d.with_second(gen.rng.gen_range(0..60)))
                .map_or(until_cn, |d| d.with_timezone(&Utc))
                // The last day's business hours may not have come yet.
                .min(until_cn)
        })
        .collect();
    received.sort();

    for chunk in received.chunks(BATCH) {
        let mut tx = db.begin_write().await?;
        for at in chunk {
            let drafted = gen.draft(*at);
            write_case(&mut tx, db, actor, drafted, &mut gen.rng, until_cn).await?;
            outcome.cases_created += 1;
        }
        crate::search::flush(&mut tx).await?;
        tx.commit().await?;
        progress(outcome.cases_created);
    }
    ensure_contingency_plans(db, actor, plan.seed, until_cn).await?;
    let events_after: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(db.pool()).await?;
    outcome.events_written = u64::try_from(events_after - events_before).unwrap_or(0);
    Ok(outcome)
}

/// Two contingency plans in force for a year, and a drill of one (§六), when there are none:
/// the emergency screens have something to show. A stream of their own keeps the cases the same.
async fn ensure_contingency_plans(
    db: &Db,
    actor: &Actor,
    seed: u64,
    until: DateTime<Utc>,
) -> CoreResult<()> {
    use crate::domain::emergency::{
        ContingencyContent, ContingencyPlanApproved, ContingencyPlanSaved, ContingencyReporting,
        ContingencyRole, ContingencyStep, DrillRecorded, EmergencyKind,
    };
    let plans: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM contingency_plans").fetch_one(db.pool()).await?;
    if plans > 0 {
        return Ok(());
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::MAX);
    let role =
        |role: &str, name: &str, phone: &str, deputy: &str, deputy_phone: &str, duties: &str| {
            ContingencyRole {
                role: role.into(),
                name: name.into(),
                phone: phone.into(),
                deputy: deputy.into(),
                deputy_phone: deputy_phone.into(),
                duties: duties.into(),
            }
        };
    let step = |title: &str, role: &str, hours: Option<u32>| ContingencyStep {
        title: title.into(),
        role: role.into(),
        within_hours: hours,
    };
    let organisation = vec![
        role(
            "总指挥",
            "周建国",
            "13801010001",
            "吴立新",
            "13801010002",
            "决定启动、升级和结束应急响应",
        ),
        role(
            "联络员",
            "孙晓燕",
            "13801010003",
            "郑凯",
            "13801010004",
            "对内通报、对外联络政府部门",
        ),
        role("法务", "钱文", "13801010005", "", "", "审核对外口径与赔付方案"),
        role("门店协调", "冯涛", "13801010006", "", "", "组织门店下架、接待和回访"),
    ];
    let reporting = vec![
        ContingencyReporting {
            authority: "集团总部".into(),
            within_hours: 2,
            content: "事件概况、涉及数量、已采取措施".into(),
        },
        ContingencyReporting {
            authority: "市场监督管理局".into(),
            within_hours: 24,
            content: "事件概况、原因初判、处置措施及进展".into(),
        },
    ];
    let plans = [
        (
            EmergencyKind::ProductSafety,
            "产品质量安全事件应急预案",
            "同一型号或批次商品短期内集中投诉，或投诉涉及人身、财产安全。",
            vec![
                step("核实事件情况，确定涉及型号、批次和门店", "联络员", Some(2)),
                step("通知全部门店暂停销售并下架涉事批次", "门店协调", Some(4)),
                step("确定对外统一口径，开设专线受理", "法务", Some(6)),
                step("逐一回访涉事消费者，登记诉求", "门店协调", Some(48)),
                step("与供应商协商召回或赔付方案", "总指挥", Some(72)),
            ],
        ),
        (
            EmergencyKind::StoreClosure,
            "门店停业集中退款应急预案",
            "门店因故停业、搬迁，消费者集中要求退卡、退款。",
            vec![
                step("公告停业安排和退款渠道", "联络员", Some(4)),
                step("门店现场设立退款接待点", "门店协调", Some(12)),
                step("每日汇总退款进度并通报", "联络员", Some(24)),
            ],
        ),
    ];
    let approved_on = (until - Duration::days(365)).with_timezone(&china()).date_naive();
    let mut tx = db.begin_write().await?;
    let mut first = None;
    for (kind, title, scope, steps) in plans {
        let at = until - Duration::days(380);
        let plan_id = seeded_uuid(&mut rng, at, &id_salt(db));
        let content = ContingencyContent {
            scope: scope.into(),
            organisation: organisation.clone(),
            steps,
            communication:
                "启动后建立指挥组工作群，每日17时通报进展；对外口径由法务审核后统一发布。".into(),
            reporting: reporting.clone(),
        };
        let saved = EventBody::ContingencyPlanSaved(Box::new(ContingencyPlanSaved {
            plan_id: plan_id.clone(),
            version: 1,
            kind,
            title: title.into(),
            content,
            change_note: String::new(),
            source_kind: None,
            source_id: None,
        }));
        event_log::append(
            &mut tx,
            db,
            actor,
            NewEvent { case_id: None, occurred_at: at, body: saved },
        )
        .await?;
        let approved = EventBody::ContingencyPlanApproved(ContingencyPlanApproved {
            plan_id: plan_id.clone(),
            version: 1,
            effective_from: approved_on.to_string(),
        });
        let at = until - Duration::days(370);
        event_log::append(
            &mut tx,
            db,
            actor,
            NewEvent { case_id: None, occurred_at: at, body: approved },
        )
        .await?;
        first.get_or_insert(plan_id);
    }
    if let Some(plan_id) = first {
        let at = until - Duration::days(90);
        let drill = EventBody::DrillRecorded(DrillRecorded {
            drill_id: seeded_uuid(&mut rng, at, &id_salt(db)),
            plan_id,
            plan_version: 1,
            held_on: at.with_timezone(&china()).date_naive().to_string(),
            scenario: "某型号燃气热水器两天内在三家门店集中出现漏水投诉".into(),
            participants: vec!["周建国".into(), "孙晓燕".into(), "钱文".into(), "冯涛".into()],
            duration_minutes: 150,
            problems: "联络员替补未及时接到通知；门店下架指令传达用时超过4小时。".into(),
            revisions: "明确替补的通知方式；下架指令改由系统群发并要求门店回执。".into(),
        });
        event_log::append(
            &mut tx,
            db,
            actor,
            NewEvent { case_id: None, occurred_at: at, body: drill },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn ensure_organisation(
    db: &Db,
    actor: &Actor,
    rng: &mut ChaCha8Rng,
    outcome: &mut DemoOutcome,
) -> CoreResult<std::collections::HashMap<&'static str, String>> {
    let mut ids = std::collections::HashMap::new();
    let mut tx = db.begin_write().await?;
    let founded = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).single().unwrap_or_default();
    for u in ORGANISATION {
        let fresh_id = seeded_uuid(rng, founded, &id_salt(db));
        let existing: Option<String> =
            sqlx::query_scalar("SELECT id FROM org_units WHERE code = ?")
                .bind(u.code)
                .fetch_optional(&mut *tx)
                .await?;
        let id = match existing {
            Some(id) => id,
            None => {
                let body = EventBody::OrgUnitCreated(OrgUnitCreated {
                    id: fresh_id.clone(),
                    code: u.code.into(),
                    name: u.name.into(),
                    kind: u.kind,
                    parent_id: u.parent.and_then(|p| ids.get(p).cloned()),
                    city: u.city.map(str::to_owned),
                });
                event_log::append(
                    &mut tx,
                    db,
                    actor,
                    NewEvent { case_id: None, occurred_at: Utc::now(), body },
                )
                .await?;
                outcome.org_units_created += 1;
                fresh_id
            }
        };
        ids.insert(u.code, id);
    }
    tx.commit().await?;
    Ok(ids)
}

/// The demo accounts (what is missing of them), each with the demo password.
async fn ensure_accounts(
    db: &Db,
    actor: &Actor,
    rng: &mut ChaCha8Rng,
    org_ids: &std::collections::HashMap<&'static str, String>,
) -> CoreResult<(Vec<Person>, std::collections::HashMap<&'static str, Person>)> {
    let mut agents = Vec::new();
    let mut handlers = std::collections::HashMap::new();
    let mut tx = db.begin_write().await?;
    let founded = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).single().unwrap_or_default();
    for (username, name, role, unit) in DEMO_ACCOUNTS {
        let fresh_id = seeded_uuid(rng, founded, &id_salt(db));
        let existing: Option<String> =
            sqlx::query_scalar("SELECT id FROM accounts WHERE username = ?")
                .bind(username)
                .fetch_optional(&mut *tx)
                .await?;
        let id = match existing {
            Some(id) => id,
            None => {
                let created = AccountCreated {
                    id: fresh_id.clone(),
                    username: (*username).to_owned(),
                    display_name: (*name).to_owned(),
                    unit_id: org_ids.get(unit).cloned(),
                    roles: vec![*role],
                };
                insert_account(
                    &mut tx,
                    db,
                    actor,
                    created,
                    DEMO_PASSWORD,
                    PasswordSetBy::Administrator,
                    false,
                )
                .await?;
                fresh_id
            }
        };
        let person = Person { id, name: (*name).to_owned() };
        match role {
            RoleCode::IntakeAgent => agents.push(person),
            RoleCode::Handler => {
                handlers.insert(*unit, person);
            }
            _ => {}
        }
    }
    tx.commit().await?;
    Ok((agents, handlers))
}

/// Appends a demo case's event, leaving the search index to the batch's
/// [`crate::search::flush`].
async fn later(
    conn: &mut SqliteConnection,
    db: &Db,
    actor: &Actor,
    event: NewEvent,
) -> CoreResult<()> {
    event_log::append_indexing(conn, db, actor, event, event_log::Indexing::Later).await?;
    Ok(())
}

/// The case's events from intake to where it stands, with plausible times between them.
async fn write_case(
    conn: &mut SqliteConnection,
    db: &Db,
    actor: &Actor,
    mut d: Drafted,
    rng: &mut ChaCha8Rng,
    until: DateTime<Utc>,
) -> CoreResult<()> {
    let year = d.received.with_timezone(&china()).year();
    d.created.case_no = case_no::next(conn, year).await?;
    let key = pii::key_for(conn, &d.created.consumer_id).await?;
    d.created.sealed = pii::seal(&key, &d.created.consumer_id, &d.text)?;
    let case_id = Some(d.case_id.clone());
    let handler = d.handler.clone();
    let department = d.created.department_id.clone();
    let simple = d.created.complexity == Complexity::Simple;
    let mut at = d.received;
    let emit = |at: DateTime<Utc>, body: EventBody| NewEvent {
        case_id: case_id.clone(),
        occurred_at: at,
        body,
    };

    later(conn, db, actor, emit(at, EventBody::CaseCreated(Box::new(d.created)))).await?;
    if let Some(handler) = handler {
        at = (at + Duration::minutes(rng.gen_range(5..240))).min(until.max(at));
        let assigned = CaseAssigned {
            handler: handler.name,
            handler_id: Some(handler.id),
            department_id: department,
            note: None,
        };
        later(conn, db, actor, emit(at, EventBody::CaseAssigned(assigned))).await?;
    }
    let path: Vec<CaseStatus> = if simple || d.target == CaseStatus::Received {
        Vec::new()
    } else if d.target == CaseStatus::Withdrawn {
        let stop = rng.gen_range(1..4);
        MAIN_PATH[..stop].iter().copied().chain([CaseStatus::Withdrawn]).collect()
    } else {
        let end = MAIN_PATH.iter().position(|s| *s == d.target).unwrap_or(0);
        // Closing is its own event; the path stops at feedback.
        MAIN_PATH[..=end.min(5)].to_vec()
    };
    // The handling, in order: moves, a clock paused for a test report now and then, and the
    // consumer's feedback (sometimes not satisfied: the case goes back to a new plan).
    enum Step {
        Move(CaseStatus, CaseStatus, Option<String>),
        Pause,
        Resume,
        Feedback(Satisfaction, i64),
    }
    let mut steps: Vec<(Duration, Step)> = Vec::new();
    for pair in path.windows(2) {
        let note = (pair[1] == CaseStatus::Withdrawn)
            .then(|| "消费者表示问题已自行解决，撤回投诉".to_owned());
        steps.push((Duration::hours(rng.gen_range(4..72)), Step::Move(pair[0], pair[1], note)));
        if pair[1] == CaseStatus::Investigating && rng.gen_ratio(1, 8) {
            steps.push((Duration::hours(rng.gen_range(1..8)), Step::Pause));
            steps.push((Duration::hours(rng.gen_range(24..160)), Step::Resume));
        }
    }
    let closing_satisfaction = d.closing.as_ref().and_then(|c| c.satisfaction);
    if let (false, Some(satisfaction)) = (simple, closing_satisfaction) {
        if rng.gen_ratio(1, 12) {
            steps.push((
                Duration::hours(rng.gen_range(4..48)),
                Step::Feedback(Satisfaction::Dissatisfied, rng.gen_range(1..=2)),
            ));
            for pair in [
                (CaseStatus::Planning, CaseStatus::Negotiating),
                (CaseStatus::Negotiating, CaseStatus::Executing),
                (CaseStatus::Executing, CaseStatus::Feedback),
            ] {
                steps.push((
                    Duration::hours(rng.gen_range(4..72)),
                    Step::Move(pair.0, pair.1, None),
                ));
            }
        }
        let score = match satisfaction {
            Satisfaction::Satisfied => rng.gen_range(4..=5),
            _ => rng.gen_range(3..=4),
        };
        steps.push((Duration::hours(rng.gen_range(4..48)), Step::Feedback(satisfaction, score)));
    }
    let calendar = Calendar::shipped();
    let mut due = d.due;
    let mut paused_at = at;
    // History ends at `until`: a case received shortly before has not got further yet.
    for (gap, step) in steps {
        at += gap;
        if at > until {
            return Ok(());
        }
        let body = match step {
            Step::Move(from, to, note) => {
                EventBody::CaseTransitioned(CaseTransitioned { from, to, note })
            }
            Step::Pause => {
                paused_at = at;
                EventBody::CaseClockPaused(CaseClockPaused {
                    reason: "等待第三方检测报告".into()
                })
            }
            Step::Resume => {
                let paused_working_days = calendar.working_days_between(paused_at, at);
                due =
                    calendar.add_working_days(due, u32::try_from(paused_working_days).unwrap_or(0));
                EventBody::CaseClockResumed(CaseClockResumed {
                    paused_working_days,
                    due_at: to_db(due),
                    informed_by: Some(ContactMethod::Phone),
                    informed_on: Some(
                        at.with_timezone(&crate::time::china()).date_naive().to_string(),
                    ),
                })
            }
            Step::Feedback(satisfaction, score) => {
                EventBody::CaseFeedbackRecorded(CaseFeedbackRecorded {
                    communicated_by: ContactMethod::Phone,
                    satisfaction,
                    score,
                    comments: (satisfaction == Satisfaction::Dissatisfied)
                        .then(|| "对处理结果不满意，要求重新处理".to_owned()),
                })
            }
        };
        later(conn, db, actor, emit(at, body)).await?;
    }
    if let Some(closing) = d.closing {
        at += if simple {
            Duration::minutes(rng.gen_range(5..40))
        } else {
            Duration::hours(rng.gen_range(4..72))
        };
        if at > until {
            return Ok(());
        }
        later(conn, db, actor, emit(at, EventBody::CaseClosed(closing))).await?;
    }
    Ok(())
}
