//! The word lists people are drawn from: names of several cultures (with their ASCII forms for mail),
//! time zones by Windows name, departments, titles, status messages and out-of-office replies.

/// A time zone as Graph names it (Windows zone names), with a fixed offset: the simulation ignores
/// daylight saving, which only shifts someone's day by an hour.
#[derive(Debug)]
pub(crate) struct Zone {
    pub windows: &'static str,
    pub offset_minutes: i32,
}

#[rustfmt::skip]
pub(crate) const ZONES: &[Zone] = &[
    Zone { windows: "W. Europe Standard Time", offset_minutes: 60 },
    Zone { windows: "Pacific Standard Time", offset_minutes: -480 },
    Zone { windows: "Eastern Standard Time", offset_minutes: -300 },
    Zone { windows: "GMT Standard Time", offset_minutes: 0 },
    Zone { windows: "E. South America Standard Time", offset_minutes: -180 },
    Zone { windows: "Central European Standard Time", offset_minutes: 60 },
    Zone { windows: "China Standard Time", offset_minutes: 480 },
    Zone { windows: "Tokyo Standard Time", offset_minutes: 540 },
    Zone { windows: "Korea Standard Time", offset_minutes: 540 },
    Zone { windows: "Arab Standard Time", offset_minutes: 180 },
    Zone { windows: "Russian Standard Time", offset_minutes: 180 },
    Zone { windows: "India Standard Time", offset_minutes: 330 },
    Zone { windows: "GTB Standard Time", offset_minutes: 120 },
    Zone { windows: "SE Asia Standard Time", offset_minutes: 420 },
    Zone { windows: "Israel Standard Time", offset_minutes: 120 },
    Zone { windows: "UTC", offset_minutes: 0 },
];

/// Most of a team sits in one office; the rest keep their own hours.
pub(crate) const HOME_ZONE: usize = 0;
pub(crate) const UTC_ZONE: usize = 15;

/// One naming culture: (display form, ASCII form for mail) pairs, and how a full name is written.
pub(crate) struct Culture {
    pub given: &'static [(&'static str, &'static str)],
    pub family: &'static [(&'static str, &'static str)],
    pub family_first: bool,
    pub joiner: &'static str,
    pub zones: &'static [usize],
    pub language: &'static str,
}

#[rustfmt::skip]
pub(crate) const CULTURES: &[Culture] = &[
    Culture {
        given: &[
            ("Adele", "adele"), ("Megan", "megan"), ("Alex", "alex"), ("Lynne", "lynne"),
            ("Grady", "grady"), ("Joni", "joni"), ("Isaiah", "isaiah"), ("Miriam", "miriam"),
            ("Nestor", "nestor"), ("Patti", "patti"), ("Lee", "lee"), ("Diego", "diego"),
        ],
        family: &[
            ("Vance", "vance"), ("Bowen", "bowen"), ("Wilber", "wilber"), ("Robbins", "robbins"),
            ("Archie", "archie"), ("Sherman", "sherman"), ("Langer", "langer"),
            ("Graham", "graham"), ("Wilke", "wilke"), ("O'Brien", "obrien"), ("Gu", "gu"),
            ("Siciliani", "siciliani"),
        ],
        family_first: false,
        joiner: " ",
        zones: &[1, 2, 3],
        language: "en-US",
    },
    Culture {
        given: &[
            ("José", "jose"), ("María", "maria"), ("Begoña", "begona"), ("Íñigo", "inigo"),
            ("João", "joao"), ("Conceição", "conceicao"), ("Ángel", "angel"), ("Lucía", "lucia"),
            ("Sebastián", "sebastian"), ("Inês", "ines"),
        ],
        family: &[
            ("Álvarez", "alvarez"), ("Peña", "pena"), ("Gonçalves", "goncalves"),
            ("Muñoz", "munoz"), ("Jiménez", "jimenez"), ("Araújo", "araujo"), ("Ibáñez", "ibanez"),
            ("Castaño", "castano"), ("Fernández", "fernandez"), ("Simões", "simoes"),
        ],
        family_first: false,
        joiner: " ",
        zones: &[0, 4],
        language: "es-ES",
    },
    Culture {
        given: &[
            ("Zoë", "zoe"), ("François", "francois"), ("Hélène", "helene"), ("Jürgen", "juergen"),
            ("Björn", "bjoern"), ("Günther", "guenther"), ("Léa", "lea"), ("Amélie", "amelie"),
            ("Maximilian", "maximilian"), ("Céline", "celine"),
        ],
        family: &[
            ("Lefèvre", "lefevre"), ("Müller", "mueller"), ("Dupré", "dupre"),
            ("Schröder", "schroeder"), ("Bäcker", "baecker"), ("Gauthier", "gauthier"),
            ("Weiß", "weiss"), ("Côté", "cote"), ("Fässler", "faessler"), ("Krüger", "krueger"),
        ],
        family_first: false,
        joiner: " ",
        zones: &[0, 5],
        language: "fr-FR",
    },
    Culture {
        given: &[
            ("Søren", "soren"), ("Åsa", "asa"), ("Łukasz", "lukasz"), ("Małgorzata", "malgorzata"),
            ("Jiří", "jiri"), ("Çağla", "cagla"), ("Ömer", "omer"), ("Zsófia", "zsofia"),
            ("Ingrid", "ingrid"), ("Tomáš", "tomas"),
        ],
        family: &[
            ("Ødegård", "odegard"), ("Wróbel", "wrobel"), ("Dvořák", "dvorak"),
            ("Öztürk", "ozturk"), ("Nowak", "nowak"), ("Kovács", "kovacs"),
            ("Sørensen", "sorensen"), ("Novák", "novak"), ("Yılmaz", "yilmaz"),
            ("Lindqvist", "lindqvist"),
        ],
        family_first: false,
        joiner: " ",
        zones: &[5, 0],
        language: "pl-PL",
    },
    Culture {
        given: &[
            ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("秀英", "xiuying"), ("敏", "min"),
            ("静", "jing"), ("强", "qiang"), ("军", "jun"),
        ],
        family: &[
            ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
            ("黄", "huang"), ("赵", "zhao"),
        ],
        family_first: true,
        joiner: "",
        zones: &[6],
        language: "zh-CN",
    },
    Culture {
        given: &[
            ("花子", "hanako"), ("一郎", "ichiro"), ("陽翔", "haruto"), ("さくら", "sakura"), ("結衣", "yui"),
            ("蓮", "ren"), ("美咲", "misaki"), ("大翔", "hiroto"),
        ],
        family: &[
            ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka"),
            ("渡辺", "watanabe"), ("伊藤", "ito"), ("山本", "yamamoto"), ("中村", "nakamura"),
        ],
        family_first: true,
        joiner: " ",
        zones: &[7],
        language: "ja-JP",
    },
    Culture {
        given: &[
            ("민준", "minjun"), ("서연", "seoyeon"), ("지우", "jiwoo"), ("하은", "haeun"), ("도윤", "doyoon"),
            ("수아", "sua"),
        ],
        family: &[
            ("김", "kim"), ("이", "lee"), ("박", "park"), ("최", "choi"), ("정", "jung"), ("강", "kang"),
        ],
        family_first: true,
        joiner: "",
        zones: &[8],
        language: "ko-KR",
    },
    Culture {
        given: &[
            ("محمد", "mohammed"), ("فاطمة", "fatima"), ("أحمد", "ahmed"), ("ليلى", "layla"),
            ("عمر", "omar"), ("نور", "nour"), ("يوسف", "youssef"), ("مريم", "mariam"),
        ],
        family: &[
            ("العلي", "alali"), ("الحسن", "alhassan"), ("منصور", "mansour"), ("حداد", "haddad"),
            ("الخطيب", "alkhatib"), ("سعيد", "saeed"),
        ],
        family_first: false,
        joiner: " ",
        zones: &[9],
        language: "ar-SA",
    },
    Culture {
        given: &[
            ("Анна", "anna"), ("Дмитрий", "dmitry"), ("Ольга", "olga"), ("Сергей", "sergey"),
            ("Наталья", "natalia"), ("Алексей", "alexey"), ("Екатерина", "ekaterina"),
            ("Иван", "ivan"),
        ],
        family: &[
            ("Ковальчук", "kovalchuk"), ("Шевченко", "shevchenko"), ("Петренко", "petrenko"),
            ("Лебедь", "lebed"), ("Мельник", "melnik"), ("Бондаренко", "bondarenko"),
            ("Ткаченко", "tkachenko"), ("Кравец", "kravets"),
        ],
        family_first: false,
        joiner: " ",
        zones: &[10],
        language: "ru-RU",
    },
    Culture {
        given: &[
            ("प्रिया", "priya"), ("राहुल", "rahul"), ("अनन्या", "ananya"), ("विक्रम", "vikram"),
            ("दीपिका", "deepika"), ("अर्जुन", "arjun"), ("कविता", "kavita"), ("सुरेश", "suresh"),
        ],
        family: &[
            ("शर्मा", "sharma"), ("वर्मा", "verma"), ("पटेल", "patel"), ("गुप्ता", "gupta"),
            ("अय्यर", "iyer"), ("रेड्डी", "reddy"),
        ],
        family_first: false,
        joiner: " ",
        zones: &[11],
        language: "hi-IN",
    },
    Culture {
        given: &[
            ("Νίκος", "nikos"), ("Ελένη", "eleni"), ("Γιώργος", "giorgos"), ("Μαρία", "maria"),
            ("Δημήτρης", "dimitris"), ("Κατερίνα", "katerina"),
        ],
        family: &[
            ("Παπαδόπουλος", "papadopoulos"), ("Οικονόμου", "oikonomou"), ("Γεωργίου", "georgiou"),
            ("Νικολάου", "nikolaou"), ("Βασιλείου", "vasileiou"),
        ],
        family_first: false,
        joiner: " ",
        zones: &[12],
        language: "el-GR",
    },
    Culture {
        given: &[
            ("Thị Hương", "thihuong"), ("Văn Minh", "vanminh"), ("Thu Trang", "thutrang"),
            ("Quốc Anh", "quocanh"), ("Ngọc Lan", "ngoclan"), ("Đức Huy", "duchuy"),
        ],
        family: &[
            ("Nguyễn", "nguyen"), ("Trần", "tran"), ("Lê", "le"), ("Phạm", "pham"),
            ("Hoàng", "hoang"), ("Võ", "vo"),
        ],
        family_first: true,
        joiner: " ",
        zones: &[13],
        language: "vi-VN",
    },
    Culture {
        given: &[
            ("สมชาย", "somchai"), ("สุดา", "suda"), ("ณัฐ", "nat"), ("พิมพ์", "pim"), ("ธนา", "thana"),
            ("กมล", "kamon"), ("วิไล", "wilai"), ("อรุณ", "arun"),
        ],
        family: &[
            ("ศรีสุข", "srisuk"), ("วงศ์ใหญ่", "wongyai"), ("จันทร์เพ็ญ", "chanpen"), ("สุวรรณ", "suwan"),
            ("แก้วมณี", "kaewmanee"), ("ทองดี", "thongdee"),
        ],
        family_first: false,
        joiner: " ",
        zones: &[13],
        language: "th-TH",
    },
    Culture {
        given: &[
            ("נועה", "noa"), ("יונתן", "yonatan"), ("תמר", "tamar"), ("איתי", "itai"),
            ("שירה", "shira"),
        ],
        family: &[
            ("כהן", "cohen"), ("לוי", "levi"), ("מזרחי", "mizrahi"), ("פרץ", "peretz"),
            ("ביטון", "biton"),
        ],
        family_first: false,
        joiner: " ",
        zones: &[14],
        language: "he-IL",
    },
];

/// Departments with the titles people in them hold.
#[rustfmt::skip]
pub(crate) const DEPARTMENTS: &[(&str, &[&str])] = &[
    ("Engineering", &["Software Engineer", "Senior Software Engineer", "Principal Engineer", "Engineering Manager"]),
    ("Design", &["Product Designer", "UX Researcher", "Design Lead"]),
    ("Sales", &["Account Executive", "Sales Engineer", "Regional Sales Director"]),
    ("Marketing", &["Marketing Manager", "Content Strategist", "Brand Designer"]),
    ("Finance", &["Financial Analyst", "Controller", "Accounts Payable Specialist"]),
    ("Human Resources", &["HR Business Partner", "Recruiter", "People Operations Lead"]),
    ("Support", &["Support Engineer", "Customer Success Manager", "Escalation Engineer"]),
    ("Research", &["Research Scientist", "Data Scientist", "Applied Scientist"]),
];

/// Day-long status messages, some with emoji, in the languages the team speaks.
pub(crate) const STATUS_MESSAGES: &[&str] = &[
    "Heads down on the Q3 report",
    "🎧 Focus time, ping me if it's urgent",
    "Working from the Lisbon office ☀️",
    "En réunion jusqu'à 15h",
    "Bis 14 Uhr im Workshop",
    "本日は外出しています",
    "正在出差，回复可能延迟",
    "На конференции до пятницы",
    "Em treinamento até às 16h",
    "Picking up the kids at 3, back online at 8pm",
    "Dentist 🦷 back at 11",
    "📍 Building 40, 2nd floor",
    "On call this week 🚨",
    "यात्रा पर हूँ, ईमेल देर से देखूँगा",
    "في اجتماع حتى الساعة الثالثة",
    "ประชุมทั้งวัน ตอบอีเมลพรุ่งนี้",
    "இன்று விடுமுறை, நாளை பார்க்கிறேன்",
    "Ask me about the migration 🚀",
    "Feeling under the weather 🤒",
    "Interviewing all afternoon",
];

/// Out-of-office auto-replies as Outlook stores them: mostly HTML with entities, one plain.
pub(crate) const OOF_REPLIES: &[&str] = &[
    "<html>\r\n<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n</head>\r\n<body>\r\n<div style=\"font-family: Calibri, Arial, Helvetica, sans-serif; font-size: 12pt; color: rgb(0, 0, 0);\">\r\nI'm out of the office this week with limited access to email.<br>\r\nFor anything urgent, contact the on-call team &amp; they will help.</div>\r\n</body>\r\n</html>\r\n",
    "<p>Bonjour,</p><p>Je suis en cong&eacute;s jusqu&#39;&agrave; lundi.<br>Pour toute urgence&nbsp;: support@contoso.com</p>",
    "<div>Ich bin bis Montag nicht im B&uuml;ro.</div><div><br></div><div>Viele Gr&uuml;&szlig;e</div>",
    "On vacation until Monday. I'll reply when I'm back.",
    "<p>休暇中です。&lt;緊急の場合&gt; は support@contoso.com へ。</p>",
];

/// Places a work location can point at: (display name, city).
pub(crate) const PLACES: &[(&str, &str)] = &[
    ("Contoso HQ · Building 40", "Redmond"),
    ("London Paddington", "London"),
    ("São Paulo – Vila Olímpia", "São Paulo"),
    ("東京オフィス 渋谷", "Tokyo"),
    ("München Werksviertel", "München"),
];

/// The tenant's domain and its guests' home domain.
pub(crate) const DOMAIN: &str = "contoso.com";
pub(crate) const GUEST_DOMAIN: &str = "fabrikam.com";
pub(crate) const GUEST_UPN_SUFFIX: &str = "_fabrikam.com#EXT#@contoso.onmicrosoft.com";
