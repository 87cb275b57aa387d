/*
 * synth.c: the deterministic synthetic statewide file behind `ssrfill gen`
 * (see synth.h): a score reports file (docs/rules.md §3) and an orders file
 * (docs/rules.md §4) that look like a real California administration year.
 *
 * API.  synth_run(&opts) is the whole interface: it checks the options,
 * opens both outputs, builds the world, streams the rows, writes the orders
 * and closes (orders first, so a failure there can still remove the
 * students file).
 *
 * Determinism.  Every choice comes from xoshiro256** generators seeded
 * with splitmix64 from opts->seed, one stream per purpose: the world (LEAs,
 * schools), the students, the malformed rows and the orders.  Only integer
 * arithmetic decides anything (the one double, bad_rate, is turned into a
 * 32-bit threshold once), so the bytes are the same on any machine.  The
 * bad-row stream is separate, so a file with malformed rows is the clean
 * file with rows slipped in (and cut at `rows`).
 *
 * The world.  The LEA count grows with the square root of `rows` (about
 * 100 for 60,000 rows, capped at 1,000 for a statewide 6 M), schools about
 * ten times that.  LEA sizes are Zipf-like by rank, w = 2^28 / (rank + 10),
 * with Los Angeles Unified at rank 0 sized to about 8% of the rows; the first
 * ranks are real large districts, the tail a mix of elementary, unified and
 * high school districts, county offices and one-school charters.  A
 * district's schools (elementary TK-05, middle 06-08, high 09-12, K-8,
 * continuation...) split its weight for each grade they serve, which gives,
 * per grade, a cumulative weight table over the schools serving it.  Each
 * school keeps its "lea_code,lea_name,school_code,school_name," text ready
 * to copy, CSV-quoted once here (some school names hold commas).
 *
 * Students.  A student draws a grade (statewide grade sizes), a CALPADS
 * home language (California's shares), then the reports the table of docs/rules.md §3.2
 * gives that grade: SB (or CAA for 1%) in 03-08 and 11, CAST (or CAAS) in
 * 05, 08 and once in high school, CSA for a few percent of 03-12 (more among
 * Spanish speakers), ELPAC for most non-English speakers (English learners),
 * more in the early grades.  A student with no report is drawn again
 * (that is why TK-02 students only ever have ELPAC rows).  Then a school
 * serving that grade (binary search in the grade's table), a unique SSID
 * (a 4-round Feistel permutation of the student number over 10^10,
 * cycle-walked into 1000000000..9999999999), names from pools that follow
 * the home language, and a mailing block in the LEA's city.  The student's
 * fixed fields are joined once into two CSV pieces, and each of its rows is
 * four memcpy's: ssid, school text, middle piece, report + tail piece.
 * Students come in draw order, so rows are spread over LEAs and schools
 * like a statewide extract, with one student's rows adjacent.
 *
 * Malformed rows.  Before each row, the bad-row stream decides whether this
 * row is malformed (probability bad_rate).  A malformed row is a one-off
 * "phantom" student (its SSID from the top of the SSID space, so it never
 * meets a real one) with exactly one defect: SSID, LEA or school code shape,
 * grade, blank name, unknown report, report not given in the grade, home
 * language, SSR language, paper flag, field count, invalid UTF-8, or an
 * exact copy of an earlier good row, taken from a ring of recent rows (the
 * only row memory kept).  Memory stays a few MiB whatever `rows` is: the
 * world stops growing at 1,000 LEAs and no row is held.
 *
 * Orders.  After the rows, each school knows how many good rows it got, so
 * the orders only name LEAs and schools that appear in the students file.
 * About 12% of those LEAs order (Los Angeles half the time, three mid-size
 * LEAs always), CAASPP and/or ELPAC, mostly LEA-wide, some for a few
 * schools, some both.  Dates fall between 2019-04-15 and the deadline, with
 * a few late, cancelled (before or after the cancel deadline) and duplicate
 * rows.  The rows are written in ordered_on order, like an ordering
 * system's export.
 */
#include "synth.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/mem.h"
#include "../io/outstream.h"

/* ------------------------------------------------------------------ */
/* Random numbers                                                       */

typedef struct rng {
	uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t mix64(uint64_t z)
{
	return splitmix64(&z);
}

static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * UINT64_C(0xd1b54a32d192ed03));
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s;
	const uint64_t result = rotl64(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

/* Uniform in [0, n), n < 2^32 (Lemire's multiply, no division). */
static inline uint32_t rng_below(rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static inline int rng_chance(rng *r, uint32_t per_10k)
{
	return rng_below(r, 10000) < per_10k;
}

/* [0, n) leaning to the front (the minimum of two draws): the first names
 * of a pool are the common ones. */
static inline uint32_t rng_skew(rng *r, uint32_t n)
{
	const uint32_t a = rng_below(r, n), b = rng_below(r, n);
	return a < b ? a : b;
}

/* Index into a cumulative table of small weights (linear: tables are short
 * and front-loaded). */
static unsigned pick_cum(rng *r, const uint16_t *cum, unsigned n)
{
	const uint32_t x = rng_below(r, cum[n - 1]);
	unsigned i = 0;
	while (cum[i] <= x)
		i++;
	return i;
}

/* ------------------------------------------------------------------ */
/* Fixed vocabulary                                                     */

#define COUNT(a) (sizeof(a) / sizeof *(a))

enum { G_TK, G_KN, G_01, G_02, G_03, G_04, G_05, G_06, G_07, G_08,
       G_09, G_10, G_11, G_12, N_GRADES };

static const char grade_text[N_GRADES][3] = {
	"TK", "KN", "01", "02", "03", "04", "05", "06", "07", "08",
	"09", "10", "11", "12",
};

/* Statewide grade sizes, per mille-ish (TK is a partial grade). */
static const uint16_t grade_weight[N_GRADES] = {
	40, 100, 100, 100, 100, 100, 100, 100, 100, 100, 104, 100, 98, 98,
};

enum { R_SB, R_CAA, R_CAST, R_CAAS, R_CSA, R_ELPAC, N_REPORTS };

static const char *const report_text[N_REPORTS] = {
	"SB", "CAA", "CAST", "CAAS", "CSA", "ELPAC",
};

#define GBIT(g) (1u << (g))
#define SB_GRADES (GBIT(G_03) | GBIT(G_04) | GBIT(G_05) | GBIT(G_06) | \
		   GBIT(G_07) | GBIT(G_08) | GBIT(G_11))
#define CAST_GRADES (GBIT(G_05) | GBIT(G_08) | GBIT(G_10) | GBIT(G_11) | GBIT(G_12))

/* Chance of a CAST in each high school grade: one of 10, 11, 12 per
 * student (a few never test). */
static const uint16_t cast_hs_per_10k[N_GRADES] = {
	[G_10] = 1500, [G_11] = 2500, [G_12] = 4500,
};

/* ELPAC among non-English speakers by grade: English learners are
 * reclassified as they grow, so the early grades test most. */
static const uint16_t elpac_per_10k[N_GRADES] = {
	9000, 9000, 8800, 8500, 8000, 7500, 7000, 6600, 6200, 6000,
	5800, 5600, 5400, 5200,
};

/* Name pools.  Groups follow the home language; pools list the common names
 * first (rng_skew).  All valid UTF-8, no commas, quotes or line breaks. */
enum { NG_HISPANIC, NG_VIETNAMESE, NG_CHINESE, NG_KOREAN, NG_FILIPINO,
       NG_ARABIC, NG_ANGLO, NG_ARMENIAN, NG_PERSIAN, NG_SOUTH_ASIAN,
       NG_SLAVIC, NG_HMONG, NG_JAPANESE, NG_KHMER, NG_PORTUGUESE, N_GROUPS,
       NG_ENGLISH_MIX = N_GROUPS, NG_ANY };

static const char *const hispanic_last[] = {
	"García", "Hernández", "López", "Martínez", "González", "Rodríguez",
	"Pérez", "Sánchez", "Ramírez", "Flores", "Gomez", "Torres", "Díaz",
	"Reyes", "Cruz", "Morales", "Gutiérrez", "Ortiz", "Chávez", "Ruiz",
	"Garcia", "Hernandez", "Lopez", "Martinez", "Gonzalez", "Alvarez",
	"Castillo", "Jiménez", "Vásquez", "Mendoza", "Romero", "Herrera",
	"Medina", "Aguilar", "Vargas", "Castro", "Guzmán", "Muñoz", "Rojas",
	"Salazar", "Ramos", "Delgado", "Contreras", "Estrada", "Núñez", "Peña",
	"Ríos", "Domínguez", "Cervantes", "Sandoval", "Ibarra", "Ávila",
	"De La Cruz", "de la Torre", "Del Río", "De León", "Zúñiga",
	"Barajas", "Cárdenas", "Velázquez", "Meléndez", "Ochoa", "Navarro",
	"Valenzuela", "Espinoza", "Villaseñor", "Magaña", "Quiñónez",
	"Montes de Oca", "Ruiz-Esparza",
};
static const char *const hispanic_first[] = {
	"José", "María", "Juan", "Luis", "Carlos", "Jesús", "Miguel", "Sofía",
	"Valentina", "Camila", "Daniel", "Ángel", "Alejandro", "Diego",
	"Santiago", "Mateo", "Ximena", "Guadalupe", "Daniela", "Jose", "Maria",
	"Sebastián", "Emiliano", "Adrián", "Andrés", "Iván", "Joaquín",
	"Julián", "Rubén", "Ana", "Fernanda", "Génesis", "Yaretzi", "Itzel",
	"Marisol", "Araceli", "Mía", "Renata", "Isabella", "Natalia", "Aarón",
	"Ramón", "Héctor", "Raúl", "Óscar", "Nayeli", "Xóchitl", "Anahí",
	"Dulce", "Belén", "Jaqueline", "Brandon", "Kevin", "Jennifer",
	"Jocelyn", "Anthony", "Jonathan", "Yesenia", "Esmeralda", "Zoë",
	"Juan Carlos", "Ana Sofía",
};
static const char *const hispanic_middle[] = {
	"María", "José", "Guadalupe", "Alejandro", "Isabel", "Antonio",
	"de Jesús", "Luis", "Fernanda", "Elena", "Miguel", "Del Carmen",
};
static const char *const viet_last[] = {
	"Nguyễn", "Nguyen", "Trần", "Lê", "Phạm", "Tran", "Le", "Hoàng",
	"Huỳnh", "Phan", "Vũ", "Võ", "Pham", "Bùi", "Hồ", "Ngô",
	"Dương", "Lý", "Vo", "Dang", "Truong", "Trương", "Do", "Doan", "Dinh",
};
/* Surnames in Đ (d with stroke: no decomposition, so no accent-stripping
 * turns it into D), drawn apart at a set share (surname_extras[]). */
static const char *const viet_d_last[] = {
	"Đặng", "Đỗ", "Đoàn", "Đinh", "Đào", "Đồng", "Đàm", "Đậu", "Đường",
};
static const char *const viet_first[] = {
	"Anh", "Bảo", "Minh", "Khánh", "Linh", "Thảo", "Phương", "Đức",
	"Nguyệt", "Hùng", "Tuấn", "Quân", "Huy", "Khoa", "Vy", "Ngọc", "Trâm",
	"Thư", "Duy", "Long", "Đạt", "Hiếu", "Thanh", "Hạnh", "Tiên", "Kevin",
	"Vivian", "Tiffany", "Tony", "Jenny", "Brian", "Nhi", "Uyên", "Đăng",
	"Điệp", "Đông",
};
static const char *const viet_middle[] = {
	"Thị", "Văn", "Ngọc", "Minh", "Gia", "Hoàng", "Bảo", "Thanh", "Kim",
};
static const char *const chinese_last[] = {
	"Wang", "Chen", "Li", "Zhang", "Liu", "Chan", "Wong", "Yang", "Huang",
	"Lee", "Zhao", "Wu", "Zhou", "Lin", "Xu", "Sun", "Chang", "Cheung",
	"Leung", "Ng", "Lau", "Ho", "Kwan", "Yip", "Tsai", "Hsu", "Liang",
};
/* Surnames written in Han, as some families enter them. */
static const char *const han_last[] = {
	"王", "李", "张", "刘", "陈", "黄", "林", "杨", "吴", "周", "赵", "徐",
};
static const char *const chinese_first[] = {
	"Wei", "Jing", "Yi", "Hao", "Xin", "Yu", "Jun", "Ling", "Mei", "Ming",
	"Zhi", "Kai", "Yan", "Jia", "Rui", "Hui", "Ethan", "Emily", "Kevin",
	"Jason", "Angela", "Michelle", "Andy", "Alice", "Eric", "Jessica",
	"Zi Han", "Yu-Ting",
};
/* Given names in Han, for the students whose surname is written in Han. */
static const char *const han_first[] = {
	"伟", "芳", "明", "静", "丽", "杰", "敏", "磊", "婷", "浩", "欣怡", "子涵",
};
static const char *const korean_last[] = {
	"Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang",
	"Lim", "Han", "Shin", "Oh", "Seo", "Kwon", "Hwang", "Song", "Ahn",
	"Yoo", "김", "이", "박",
};
static const char *const korean_first[] = {
	"Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Ji-woo", "Eun-ji",
	"Hyun", "Soo-ah", "Jae", "Daniel", "Grace", "Joseph", "Sarah", "David",
	"Esther", "Joon", "Yuna", "민준", "서연",
};
static const char *const filipino_last[] = {
	"Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza",
	"Dela Cruz", "Torres", "Tomas", "Andrada", "Castillo", "Flores",
	"Villanueva", "Ramos", "Castro", "Rivera", "Aquino", "Navarro",
	"dela Cruz", "De Guzman", "Del Rosario", "Manalo", "Pascual",
	"Soriano", "Dimaculangan", "Macaraeg", "Magbanua", "delos Santos",
};
static const char *const filipino_first[] = {
	"Jose", "Maria", "Mark", "John Paul", "Angelica", "Kristine", "Jericho",
	"Rhea", "Jasmine", "Princess", "Joshua", "Mary Grace", "Ma. Cristina",
	"Bea", "Aljon", "Jay-R", "Ronaldo", "Imelda", "Joy", "Angelo",
	"Nicole", "Justine", "Kyla", "Miguel",
};
static const char *const arabic_last[] = {
	"Ali", "Ahmed", "Mohamed", "Hassan", "Ibrahim", "Al-Sayed", "Haddad",
	"Khalil", "Al-Masri", "Mansour", "Nasser", "Saleh", "Yousef",
	"Abdullah", "Awad", "Farah", "El-Amin", "Al-Khatib", "Hamdan", "Karam",
	"Aziz", "Abu-Ghazaleh",
};
static const char *const arabic_first[] = {
	"Mohammed", "Ahmad", "Omar", "Yusuf", "Ali", "Hassan", "Khalid",
	"Layla", "Fatima", "Aisha", "Mariam", "Noor", "Zainab", "Yasmin",
	"Hana", "Rania", "Amira", "Ibrahim", "Zayd", "Lina", "Abdul-Rahman",
};
static const char *const anglo_last[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis",
	"Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin",
	"Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker",
	"Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams",
	"Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Campbell",
	"Evans", "Turner", "Parker", "Collins", "Edwards", "Stewart", "Morris",
	"Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson", "Reed",
	"Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox", "Richardson",
	"Wood", "Watson", "Brooks", "Bennett", "Gray", "James", "Hughes",
	"Price", "Sanders", "Myers", "Long", "Ross", "Foster", "O'Brien",
	"O'Connor", "McDonald", "MacArthur", "Smith-Jones", "St. John",
	"mcdonald", "VAN DER BERG", "van der Berg", "Van Dyke", "DeMarco",
	"D'Angelo", "Schröder", "Müller", "Weiß", "Straßer", "Olsen",
	"Kowalski", "Rossi", "Lefèvre", "Ó Súilleabháin",
};
/* Norwegian, Danish and Polish surnames with Ø, Æ and Ł (like Đ, letters
 * with no decomposition), rare: drawn apart (surname_extras[]). */
static const char *const nordic_polish_last[] = {
	"Ødegaard", "Łukaszewski", "Østergaard", "Łuczak", "Ærøe", "Øvrebø",
	"Łapiński", "Sæther", "Ørsted", "Łysiak", "Østby", "Łoś", "Ødegård",
	"Bæk",
};
static const char *const anglo_first[] = {
	"Olivia", "Emma", "Liam", "Noah", "James", "Ava", "Sophia", "William",
	"Michael", "Isabella", "Charlotte", "Elijah", "Benjamin", "Amelia",
	"Mia", "Lucas", "Mason", "Harper", "Evelyn", "Ethan", "Alexander",
	"Abigail", "Emily", "Elizabeth", "Jacob", "Logan", "Madison", "Avery",
	"Ella", "Jackson", "Aiden", "Scarlett", "Grace", "Chloe", "Jayden",
	"Aaliyah", "Imani", "Jamal", "DeShawn", "D'Andre", "Zoë", "Renée",
	"Mary-Kate", "Anne-Marie", "Chloé", "Noël", "JoAnn", "LaToya",
	"Ke'Shawn", "Tre'von", "Brayden", "Caden", "Zoey", "Wyatt", "Hunter",
	"Riley", "Jordan", "Taylor", "Skyler", "Nevaeh",
};
static const char *const armenian_last[] = {
	"Petrosyan", "Sargsyan", "Hovhannisyan", "Harutyunyan", "Grigoryan",
	"Khachatryan", "Mkrtchyan", "Avetisyan", "Karapetyan", "Ghazaryan",
	"Der-Bedrossian", "Manukyan", "Arakelian",
};
static const char *const armenian_first[] = {
	"Aram", "Narek", "Davit", "Tigran", "Arman", "Ani", "Lilit", "Mane",
	"Nare", "Gor", "Sona", "Hayk", "Arpi", "Sevan",
};
static const char *const persian_last[] = {
	"Mohammadi", "Hosseini", "Ahmadi", "Rezaei", "Karimi", "Moradi",
	"Jafari", "Rahimi", "Tehrani", "Farahani", "Sadeghi", "Navabi",
};
static const char *const persian_first[] = {
	"Ali", "Reza", "Dariush", "Kian", "Arash", "Parisa", "Shirin", "Nasrin",
	"Leila", "Sara", "Navid", "Yasaman", "Cyrus", "Roya",
};
static const char *const south_asian_last[] = {
	"Singh", "Kaur", "Patel", "Sharma", "Gill", "Sandhu", "Dhillon",
	"Grewal", "Kumar", "Reddy", "Rao", "Iyer", "Khan", "Qureshi", "Gupta",
	"Shah", "Chaudhry", "Venkataraman",
};
static const char *const south_asian_first[] = {
	"Arjun", "Harpreet", "Gurpreet", "Simran", "Jaskaran", "Navneet",
	"Priya", "Ananya", "Aarav", "Ishaan", "Rohan", "Sai", "Divya",
	"Manpreet", "Ayaan", "Zara", "Aditi", "Vihaan",
};
static const char *const slavic_last[] = {
	"Ivanov", "Petrov", "Smirnov", "Kovalenko", "Shevchenko", "Bondarenko",
	"Melnyk", "Sokolov", "Popov", "Volkov", "Kuznetsov", "Tkachenko",
	"Ivanova", "Petrova",
};
static const char *const slavic_first[] = {
	"Alexander", "Dmitri", "Ivan", "Mikhail", "Anastasia", "Sofiya",
	"Yelena", "Olena", "Artem", "Maksym", "Nikita", "Viktoriya", "Daria",
	"Bohdan",
};
static const char *const hmong_last[] = {
	"Vang", "Xiong", "Yang", "Thao", "Lee", "Her", "Moua", "Lor", "Vue",
	"Chang", "Lo", "Hang", "Khang",
};
static const char *const hmong_first[] = {
	"Pa", "Mai", "Nou", "Tou", "Kou", "Pao", "Chue", "Xee", "Yeng",
	"Shoua", "Bee", "Ka", "Mai Nou", "Gao",
};
static const char *const japanese_last[] = {
	"Tanaka", "Suzuki", "Takahashi", "Watanabe", "Yamamoto", "Nakamura",
	"Kobayashi", "Sato", "Ito", "Yoshida", "Yamada", "Sasaki", "Nakamura",
};
static const char *const japanese_first[] = {
	"Haruto", "Yui", "Sota", "Hina", "Ren", "Aoi", "Yuto", "Sakura",
	"Kenji", "Emi", "Kaito", "Mei",
};
static const char *const khmer_last[] = {
	"Chhay", "Sok", "Chea", "Keo", "Meas", "Prak", "Chhim", "Pich", "Sam",
	"Phan", "Ouk",
};
static const char *const khmer_first[] = {
	"Sophea", "Dara", "Vanna", "Bopha", "Srey", "Rith", "Chenda", "Sokha",
	"Visal", "Malis", "Pisey",
};
static const char *const portuguese_last[] = {
	"Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa",
	"Rodrigues", "Almeida", "Nascimento", "Lima", "Araújo", "Fernandes",
	"Gonçalves", "Conceição",
};
static const char *const portuguese_first[] = {
	"João", "Gabriel", "Lucas", "Ana", "Beatriz", "Júlia", "Larissa",
	"Thiago", "Vitória", "Luíza", "Caio", "Letícia",
};

typedef struct name_pool {
	const char *const *last;
	uint32_t n_last;
	const char *const *first;
	uint32_t n_first;
	const char *const *middle;  /* NULL: a first name */
	uint32_t n_middle;
	uint16_t middle_per_10k;    /* how often a middle name is given */
} name_pool;

#define POOL(a) (a), (uint32_t)COUNT(a)
static const name_pool pools[N_GROUPS] = {
	[NG_HISPANIC] = { POOL(hispanic_last), POOL(hispanic_first), POOL(hispanic_middle), 3500 },
	[NG_VIETNAMESE] = { POOL(viet_last), POOL(viet_first), POOL(viet_middle), 7000 },
	[NG_CHINESE] = { POOL(chinese_last), POOL(chinese_first), NULL, 0, 1500 },
	[NG_KOREAN] = { POOL(korean_last), POOL(korean_first), NULL, 0, 500 },
	[NG_FILIPINO] = { POOL(filipino_last), POOL(filipino_first), POOL(filipino_last), 5000 },
	[NG_ARABIC] = { POOL(arabic_last), POOL(arabic_first), NULL, 0, 3000 },
	[NG_ANGLO] = { POOL(anglo_last), POOL(anglo_first), NULL, 0, 4500 },
	[NG_ARMENIAN] = { POOL(armenian_last), POOL(armenian_first), NULL, 0, 2500 },
	[NG_PERSIAN] = { POOL(persian_last), POOL(persian_first), NULL, 0, 2500 },
	[NG_SOUTH_ASIAN] = { POOL(south_asian_last), POOL(south_asian_first), NULL, 0, 3000 },
	[NG_SLAVIC] = { POOL(slavic_last), POOL(slavic_first), NULL, 0, 3000 },
	[NG_HMONG] = { POOL(hmong_last), POOL(hmong_first), NULL, 0, 2000 },
	[NG_JAPANESE] = { POOL(japanese_last), POOL(japanese_first), NULL, 0, 1500 },
	[NG_KHMER] = { POOL(khmer_last), POOL(khmer_first), NULL, 0, 1500 },
	[NG_PORTUGUESE] = { POOL(portuguese_last), POOL(portuguese_first), NULL, 0, 4000 },
};

/* Surnames drawn apart from a group's pool at a fixed share of its
 * students, so that share does not hang on a position in the pool (the
 * pools' tails are drawn rarely and unevenly, rng_skew): letters no
 * decomposition reaches (Đ, Ø, Æ, Ł) and Han script.  Shares of all rows
 * follow from the groups' (Vietnamese about 3.5% of rows, Chinese 5.3%,
 * Anglo 25%): Đ about 0.35%, Han about 0.2%, Ø/Æ/Ł about 0.04%.  The Đ share
 * is generous, twice the share of Đ names among Vietnamese families (about
 * 5%, many of them written with a plain D in the US: Dang, Do, Doan and Dinh
 * stay in the pool), so that every school-sized sample has some. */
typedef struct surname_extra {
	const char *const *last;
	uint32_t n_last;
	uint16_t per_10k;
} surname_extra;

static const surname_extra surname_extras[N_GROUPS] = {
	[NG_VIETNAMESE] = { POOL(viet_d_last), 1000 },
	[NG_CHINESE] = { POOL(han_last), 400 },
	[NG_ANGLO] = { POOL(nordic_polish_last), 15 },
};

/* Names of English-only students: California's mix. */
static const uint8_t english_group[] = {
	NG_ANGLO, NG_HISPANIC, NG_CHINESE, NG_VIETNAMESE, NG_FILIPINO,
	NG_KOREAN, NG_SOUTH_ASIAN, NG_ARABIC, NG_ARMENIAN, NG_JAPANESE,
	NG_PERSIAN, NG_SLAVIC,
};
static const uint16_t english_group_cum[COUNT(english_group)] = {
	4200, 7800, 8300, 8600, 9000, 9200, 9500, 9600, 9700, 9800, 9900, 10000,
};

/* SSR languages, the override values of ssr_language. */
enum { L_EN, L_ES, L_VI, L_ZH, L_FIL, L_KO, N_SSR_LANGS };
static const char *const ssr_lang_text[N_SSR_LANGS] = {
	"EN", "ES", "VI", "ZH", "FIL", "KO",
};

/* CALPADS home languages: code, share per 10,000 students, name group and
 * the SSR language it maps to (docs/rules.md §3).  Every ELPAC row is an English
 * learner's, so the shares of rows lean further to non-English than these
 * shares of students: the file ends up near 57% English or blank, 33%
 * Spanish, 2% blank. */
typedef struct home_lang {
	char code[3];
	uint16_t per_10k;
	uint8_t group;
	uint8_t ssr;
} home_lang;

static const home_lang home_langs[] = {
	{ "00", 6952, NG_ENGLISH_MIX, L_EN },
	{ "01", 2200, NG_HISPANIC, L_ES },
	{ "", 250, NG_ENGLISH_MIX, L_EN },
	{ "02", 120, NG_VIETNAMESE, L_VI },
	{ "07", 98, NG_CHINESE, L_ZH },
	{ "11", 65, NG_ARABIC, L_EN },
	{ "05", 55, NG_FILIPINO, L_FIL },
	{ "03", 49, NG_CHINESE, L_ZH },
	{ "04", 38, NG_KOREAN, L_KO },
	{ "12", 25, NG_ARMENIAN, L_EN },
	{ "16", 22, NG_PERSIAN, L_EN },
	{ "28", 22, NG_SOUTH_ASIAN, L_EN },
	{ "29", 19, NG_SLAVIC, L_EN },
	{ "23", 16, NG_HMONG, L_EN },
	{ "22", 14, NG_SOUTH_ASIAN, L_EN },
	{ "08", 8, NG_JAPANESE, L_EN },
	{ "09", 8, NG_KHMER, L_EN },
	{ "35", 8, NG_SOUTH_ASIAN, L_EN },
	{ "99", 8, NG_ANY, L_EN },
	{ "06", 5, NG_PORTUGUESE, L_EN },
	{ "38", 5, NG_SLAVIC, L_EN },
	{ "62", 5, NG_SOUTH_ASIAN, L_EN },
	{ "49", 5, NG_HISPANIC, L_EN },
	{ "63", 3, NG_SOUTH_ASIAN, L_EN },
};
#define N_HOME_LANGS COUNT(home_langs)
#define LANG_SPANISH 1  /* index of "01" */

/* Places: California cities with their county code and a zip code.  The
 * first ones are the big cities, whose zips spread wider. */
typedef struct place {
	const char *city;
	uint8_t county;
	uint32_t zip;
} place;

static const place places[] = {
	{"Los Angeles",19,90001}, {"San Diego",37,92101}, {"San Jose",43,95110},
	{"San Francisco",38,94102}, {"Fresno",10,93701}, {"Sacramento",34,95814},
	{"Long Beach",19,90802}, {"Oakland",1,94601}, {"Bakersfield",15,93301},
	{"Anaheim",30,92801}, {"Santa Ana",30,92701}, {"Riverside",33,92501},
	{"Stockton",39,95202}, {"Irvine",30,92602}, {"Chula Vista",37,91910},
	{"Fremont",1,94536}, {"San Bernardino",36,92401}, {"Modesto",50,95350},
	{"Fontana",36,92335}, {"Oxnard",56,93030}, {"Moreno Valley",33,92553},
	{"Huntington Beach",30,92647}, {"Glendale",19,91201},
	{"Santa Clarita",19,91350}, {"Oceanside",37,92054},
	{"Garden Grove",30,92840}, {"Rancho Cucamonga",36,91730},
	{"Santa Rosa",49,95401}, {"Ontario",36,91761}, {"Elk Grove",34,95624},
	{"Corona",33,92879}, {"Lancaster",19,93534}, {"Palmdale",19,93550},
	{"Salinas",27,93901}, {"Hayward",1,94541}, {"Pomona",19,91766},
	{"Escondido",37,92025}, {"Sunnyvale",43,94085}, {"Torrance",19,90501},
	{"Pasadena",19,91101}, {"Orange",30,92866}, {"Fullerton",30,92831},
	{"Roseville",31,95678}, {"Visalia",54,93277}, {"Concord",7,94520},
	{"Thousand Oaks",56,91360}, {"Simi Valley",56,93063},
	{"Santa Clara",43,95050}, {"Victorville",36,92392}, {"Vallejo",48,94590},
	{"Berkeley",1,94702}, {"El Monte",19,91731}, {"Downey",19,90241},
	{"Costa Mesa",30,92626}, {"Inglewood",19,90301}, {"Carlsbad",37,92008},
	{"Ventura",56,93001}, {"Fairfield",48,94533}, {"West Covina",19,91790},
	{"Murrieta",33,92562}, {"Richmond",7,94801}, {"Norwalk",19,90650},
	{"Antioch",7,94509}, {"Temecula",33,92590}, {"Burbank",19,91502},
	{"Daly City",41,94014}, {"Rialto",36,92376}, {"El Cajon",37,92020},
	{"San Mateo",41,94401}, {"Clovis",10,93611}, {"Compton",19,90220},
	{"Jurupa Valley",33,91752}, {"Vista",37,92083}, {"South Gate",19,90280},
	{"Mission Viejo",30,92691}, {"Vacaville",48,95687}, {"Carson",19,90745},
	{"Hesperia",36,92345}, {"Santa Maria",42,93454}, {"Redding",45,96001},
	{"Westminster",30,92683}, {"Santa Monica",19,90401}, {"Chico",4,95926},
	{"Newport Beach",30,92660}, {"San Leandro",1,94577},
	{"San Marcos",37,92069}, {"Whittier",19,90601}, {"Hawthorne",19,90250},
	{"Citrus Heights",34,95610}, {"Alhambra",19,91801}, {"Tracy",39,95376},
	{"Livermore",1,94550}, {"Buena Park",30,90620}, {"Menifee",33,92584},
	{"Hemet",33,92543}, {"Lakewood",19,90712}, {"Merced",24,95340},
	{"Chino",36,91710}, {"Indio",33,92201}, {"Redwood City",41,94061},
	{"Lake Forest",30,92630}, {"Napa",28,94558}, {"Tustin",30,92780},
	{"Bellflower",19,90706}, {"Mountain View",43,94040},
	{"Chino Hills",36,91709}, {"Baldwin Park",19,91706}, {"Alameda",1,94501},
	{"Upland",36,91786}, {"San Ramon",7,94582}, {"Folsom",34,95630},
	{"Pleasanton",1,94566}, {"Lynwood",19,90262}, {"Union City",1,94587},
	{"Apple Valley",36,92307}, {"Redlands",36,92373}, {"Turlock",50,95380},
	{"Perris",33,92570}, {"Manteca",39,95336}, {"Milpitas",43,95035},
	{"Redondo Beach",19,90277}, {"Davis",57,95616}, {"Camarillo",56,93010},
	{"Yuba City",51,95991}, {"Rancho Cordova",34,95670},
	{"Palo Alto",43,94301}, {"Yorba Linda",30,92886},
	{"Walnut Creek",7,94596}, {"South San Francisco",41,94080},
	{"San Clemente",30,92672}, {"Pittsburg",7,94565},
	{"Laguna Niguel",30,92677}, {"Pico Rivera",19,90660},
	{"Montebello",19,90640}, {"Lodi",39,95240}, {"Madera",20,93637},
	{"Santa Cruz",44,95060}, {"La Habra",30,90631}, {"Encinitas",37,92024},
	{"Monterey Park",19,91754}, {"Tulare",54,93274}, {"Cupertino",43,95014},
	{"Gardena",19,90247}, {"National City",37,91950}, {"Rocklin",31,95677},
	{"Petaluma",49,94952}, {"Huntington Park",19,90255},
	{"San Rafael",21,94901}, {"La Mesa",37,91941}, {"Arcadia",19,91006},
	{"Fountain Valley",30,92708}, {"Diamond Bar",19,91765},
	{"Woodland",57,95695}, {"Santee",37,92071}, {"Lake Elsinore",33,92530},
	{"Porterville",54,93257}, {"Paramount",19,90723}, {"Eastvale",33,92880},
	{"Rosemead",19,91770}, {"Hanford",16,93230}, {"Highland",36,92346},
	{"Brentwood",7,94513}, {"Novato",21,94945}, {"Colton",36,92324},
	{"Cathedral City",33,92234}, {"Delano",15,93215}, {"Yucaipa",36,92399},
	{"Watsonville",44,95076}, {"Placentia",30,92870}, {"Glendora",19,91740},
	{"Gilroy",43,95020}, {"Palm Desert",33,92260}, {"Cerritos",19,90703},
	{"West Sacramento",57,95691}, {"Aliso Viejo",30,92656},
	{"Poway",37,92064}, {"La Mirada",19,90638}, {"Cypress",30,90630},
	{"Dublin",1,94568}, {"Covina",19,91722}, {"Azusa",19,91702},
	{"Palm Springs",33,92262}, {"San Luis Obispo",40,93401},
	{"Ceres",50,95307}, {"San Jacinto",33,92583}, {"Lincoln",31,95648},
	{"Newark",1,94560}, {"Lompoc",42,93436}, {"El Centro",13,92243},
	{"Danville",7,94526}, {"Bell Gardens",19,90201}, {"Coachella",33,92236},
	{"San Bruno",41,94066}, {"Rohnert Park",49,94928}, {"Brea",30,92821},
	{"La Puente",19,91744}, {"Campbell",43,95008}, {"San Gabriel",19,91776},
	{"Beaumont",33,92223}, {"Morgan Hill",43,95037}, {"Culver City",19,90230},
	{"Calexico",13,92231}, {"Stanton",30,90680}, {"La Quinta",33,92253},
	{"Pacifica",41,94044}, {"Montclair",36,91763}, {"Oakley",7,94561},
	{"Monrovia",19,91016}, {"Los Banos",24,93635}, {"Martinez",7,94553},
	{"Eureka",12,95501}, {"Ukiah",23,95482}, {"Hollister",35,95023},
	{"Barstow",36,92311}, {"Susanville",18,96130}, {"Crescent City",8,95531},
	{"Truckee",29,96161}, {"South Lake Tahoe",9,96150}, {"Yreka",47,96097},
	{"Oroville",4,95965}, {"Marysville",58,95901}, {"Auburn",31,95603},
	{"Grass Valley",29,95945}, {"Placerville",9,95667}, {"Sonora",55,95370},
	{"Jackson",3,95642}, {"San Andreas",5,95249}, {"Mariposa",22,95338},
	{"Bishop",14,93514}, {"Mammoth Lakes",26,93546}, {"Red Bluff",52,96080},
	{"Weaverville",53,96093}, {"Quincy",32,95971}, {"Alturas",25,96101},
	{"Downieville",46,95936}, {"Markleeville",2,96120}, {"Willows",11,95988},
	{"Colusa",6,95932}, {"Lakeport",17,95453}, {"Calistoga",28,94515},
	{"Half Moon Bay",41,94019}, {"King City",27,93930}, {"Coalinga",10,93210},
	{"Reedley",10,93654}, {"Selma",10,93662}, {"Sanger",10,93657},
	{"Kerman",10,93630}, {"Firebaugh",10,93622}, {"Mendota",10,93640},
	{"Arvin",15,93203}, {"Shafter",15,93263}, {"Wasco",15,93280},
	{"Taft",15,93268}, {"McFarland",15,93250}, {"Lindsay",54,93247},
	{"Dinuba",54,93618}, {"Exeter",54,93221}, {"Woodlake",54,93286},
	{"Avenal",16,93204}, {"Lemoore",16,93245}, {"Corcoran",16,93212},
	{"Chowchilla",20,93610}, {"Atwater",24,95301}, {"Livingston",24,95334},
	{"Patterson",50,95363}, {"Oakdale",50,95361}, {"Riverbank",50,95367},
	{"Escalon",39,95320}, {"Galt",34,95632}, {"Dixon",48,95620},
	{"Winters",57,95694}, {"Brawley",13,92227}, {"Imperial",13,92251},
	{"Blythe",33,92225}, {"Needles",36,92363}, {"Twentynine Palms",36,92277},
	{"Big Bear Lake",36,92315}, {"Ojai",56,93023}, {"Fillmore",56,93015},
	{"Santa Paula",56,93060}, {"Carpinteria",42,93013},
	{"Santa Barbara",42,93101}, {"Paso Robles",40,93446},
	{"Atascadero",40,93422}, {"Arroyo Grande",40,93420},
	{"Morro Bay",40,93442}, {"Fort Bragg",23,95437}, {"Arcata",12,95521},
	{"Fortuna",12,95540}, {"Anderson",45,96007},
	{"San Juan Capistrano",30,92675}, {"Carmichael",34,95608},
	{"North Highlands",34,95660}, {"Monterey",27,93940}, {"Seaside",27,93955},
	{"Los Gatos",43,95030}, {"Saratoga",43,95070}, {"Healdsburg",49,95448},
	{"Sonoma",49,95476}, {"Benicia",48,94510}, {"Suisun City",48,94585},
	{"Nevada City",29,95959}, {"Kingsburg",10,93631}, {"Tehachapi",15,93561},
	{"Ridgecrest",15,93555}, {"El Dorado Hills",9,95762},
	{"Paradise",4,95969}, {"Gridley",4,95948}, {"Orland",11,95963},
	{"Corning",52,96021}, {"Clearlake",17,95422}, {"Mount Shasta",47,96067},
};
#define N_PLACES COUNT(places)
#define N_BIG_CITIES 30  /* places[0..29] spread over many zip codes */

static const char *const county_names[59] = {
	"", "Alameda", "Alpine", "Amador", "Butte", "Calaveras", "Colusa",
	"Contra Costa", "Del Norte", "El Dorado", "Fresno", "Glenn", "Humboldt",
	"Imperial", "Inyo", "Kern", "Kings", "Lake", "Lassen", "Los Angeles",
	"Madera", "Marin", "Mariposa", "Mendocino", "Merced", "Modoc", "Mono",
	"Monterey", "Napa", "Nevada", "Orange", "Placer", "Plumas", "Riverside",
	"Sacramento", "San Benito", "San Bernardino", "San Diego",
	"San Francisco", "San Joaquin", "San Luis Obispo", "San Mateo",
	"Santa Barbara", "Santa Clara", "Santa Cruz", "Shasta", "Sierra",
	"Siskiyou", "Solano", "Sonoma", "Stanislaus", "Sutter", "Tehama",
	"Trinity", "Tulare", "Tuolumne", "Ventura", "Yolo", "Yuba",
};

/* LEA kinds. */
enum { K_UNIFIED, K_ELEMENTARY, K_HIGH, K_CHARTER, K_COE };

/* The largest LEAs, by rank. */
typedef struct big_lea {
	const char *name;
	const char *city;
	uint8_t kind;
} big_lea;

static const big_lea big_leas[] = {
	{ "Los Angeles Unified", "Los Angeles", K_UNIFIED },
	{ "San Diego Unified", "San Diego", K_UNIFIED },
	{ "Fresno Unified", "Fresno", K_UNIFIED },
	{ "Long Beach Unified", "Long Beach", K_UNIFIED },
	{ "Elk Grove Unified", "Elk Grove", K_UNIFIED },
	{ "San Francisco Unified", "San Francisco", K_UNIFIED },
	{ "Corona-Norco Unified", "Corona", K_UNIFIED },
	{ "San Bernardino City Unified", "San Bernardino", K_UNIFIED },
	{ "Capistrano Unified", "San Juan Capistrano", K_UNIFIED },
	{ "Santa Ana Unified", "Santa Ana", K_UNIFIED },
	{ "Oakland Unified", "Oakland", K_UNIFIED },
	{ "Sacramento City Unified", "Sacramento", K_UNIFIED },
	{ "San Juan Unified", "Carmichael", K_UNIFIED },
	{ "Riverside Unified", "Riverside", K_UNIFIED },
	{ "Clovis Unified", "Clovis", K_UNIFIED },
	{ "Garden Grove Unified", "Garden Grove", K_UNIFIED },
	{ "Sweetwater Union High", "Chula Vista", K_HIGH },
	{ "Irvine Unified", "Irvine", K_UNIFIED },
	{ "Fontana Unified", "Fontana", K_UNIFIED },
	{ "Stockton Unified", "Stockton", K_UNIFIED },
	{ "Kern High", "Bakersfield", K_HIGH },
	{ "Moreno Valley Unified", "Moreno Valley", K_UNIFIED },
	{ "Poway Unified", "Poway", K_UNIFIED },
	{ "Saddleback Valley Unified", "Mission Viejo", K_UNIFIED },
	{ "Chino Valley Unified", "Chino", K_UNIFIED },
	{ "Twin Rivers Unified", "North Highlands", K_UNIFIED },
	{ "Bakersfield City", "Bakersfield", K_ELEMENTARY },
	{ "Lodi Unified", "Lodi", K_UNIFIED },
	{ "Mt. Diablo Unified", "Concord", K_UNIFIED },
	{ "Fremont Unified", "Fremont", K_UNIFIED },
	{ "Murrieta Valley Unified", "Murrieta", K_UNIFIED },
	{ "Temecula Valley Unified", "Temecula", K_UNIFIED },
	{ "Desert Sands Unified", "La Quinta", K_UNIFIED },
	{ "Visalia Unified", "Visalia", K_UNIFIED },
	{ "Hacienda La Puente Unified", "La Puente", K_UNIFIED },
	{ "Palmdale Elementary", "Palmdale", K_ELEMENTARY },
	{ "Compton Unified", "Compton", K_UNIFIED },
	{ "Pomona Unified", "Pomona", K_UNIFIED },
	{ "Anaheim Union High", "Anaheim", K_HIGH },
	{ "West Contra Costa Unified", "Richmond", K_UNIFIED },
	{ "Placentia-Yorba Linda Unified", "Placentia", K_UNIFIED },
	{ "Montebello Unified", "Montebello", K_UNIFIED },
	{ "Torrance Unified", "Torrance", K_UNIFIED },
	{ "William S. Hart Union High", "Santa Clarita", K_HIGH },
	{ "Pajaro Valley Unified", "Watsonville", K_UNIFIED },
	{ "Hesperia Unified", "Hesperia", K_UNIFIED },
	{ "Downey Unified", "Downey", K_UNIFIED },
	{ "Norwalk-La Mirada Unified", "Norwalk", K_UNIFIED },
	{ "San Ramon Valley Unified", "San Ramon", K_UNIFIED },
	{ "Oxnard Union High", "Oxnard", K_HIGH },
};

/* District name stems that are not cities (their mail goes to a random
 * city of the table). */
static const char *const area_stems[] = {
	"Pleasant Valley", "Oak Grove", "Evergreen", "Cottonwood", "Pine Ridge",
	"Sierra Sands", "Golden Plains", "Mountain Empire", "Twin Hills",
	"Cold Spring", "Rio Bravo", "Lone Pine", "Green Point", "Happy Valley",
	"Bear Valley", "Round Valley", "Alta Loma", "Cucamonga", "Buena Vista",
	"Laguna Salada", "Ravenswood City", "Columbia", "Liberty",
	"Mother Lode", "Big Oak Flat-Groveland", "Junction", "Sundale",
	"Richland", "Lakeside", "Alview-Dairyland", "Hope", "Orchard",
	"Los Molinos", "Plumas Lake", "Knightsen", "Burrel", "Fruitvale",
	"Panama-Buena Vista", "Whisman", "Cupertino Union", "Mission Valley",
	"Sequoia", "Tamalpais", "Capay", "Piner-Olivet", "Wiseburn",
	"Rio Dell", "Jamul-Dulzura", "Bonsall", "Spencer Valley",
};

static const char *const unified_suffix[] = {
	" Unified", " Joint Unified", " Valley Unified", " City Unified",
};
static const char *const elementary_suffix[] = {
	" Elementary", " Union Elementary", " City Elementary",
	" Joint Elementary", " School District",
};
static const char *const high_suffix[] = {
	" Union High", " Joint Union High", " High",
};

static const char *const charter_prefix[] = {
	"Aspire", "KIPP", "Green Dot", "Summit", "Alliance", "High Tech",
	"Da Vinci", "Magnolia", "Rocketship", "Camino Nuevo", "Ánimo",
	"Bright Star", "Celerity", "Gabriella", "Vaughn", "Oxford", "Excel",
	"Everest", "Ingenium", "Valiente", "Los Feliz", "Golden Valley",
	"New Heights", "Urban Discovery", "Inspire", "Connecting Waters",
	"Odyssey", "Granada Hills", "Método", "Compass", "Pacific Coast",
	"Sierra Montessori", "Lighthouse", "Leadership Public", "Making Waves",
	"Rocklin Academy", "Clayton Valley", "Westlake", "Mare Island",
	"Synergy",
};
static const char *const charter_core[] = {
	"", " Pacific", " Bayview", " Sierra", " Tahoma", " Empower",
	" Eastside", " Westside", " Valley", " Heritage", " Discovery",
	" Frontier", " Legacy", " Esperanza", " Mariposa", " Renaissance",
	" Innovation", " Horizon", " Vista", " Gateway",
};
static const char *const charter_tail[] = {
	" Charter Academy", " Charter School", " Preparatory Academy",
	" Academy", " Charter High", " Leadership Academy", " College Prep",
	" STEAM Academy", " Community Charter", " Public Charter",
};

/* School namesakes; one holds a comma, so its rows get quoted. */
static const char *const namesakes[] = {
	"Lincoln", "Washington", "Jefferson", "Roosevelt", "Kennedy", "Franklin",
	"Madison", "Garfield", "Grant", "Jackson", "Monroe", "Wilson", "Adams",
	"Hamilton", "Edison", "Emerson", "Hawthorne", "Longfellow", "Whittier",
	"John Muir", "Sequoia", "Redwood", "Sierra Vista", "Mountain View",
	"Valley View", "Oak Grove", "Willow Creek", "Pine Hills",
	"César Chávez", "Dolores Huerta", "Dr. Martin Luther King, Jr.",
	"Rosa Parks", "Sally Ride", "Harvey Milk", "Fred T. Korematsu",
	"Thurgood Marshall", "Frederick Douglass", "Sojourner Truth",
	"Juan Rodríguez Cabrillo", "Gabriela Mistral", "Rubén Salazar",
	"Eleanor Roosevelt", "Amelia Earhart", "Jackie Robinson", "Mark Twain",
	"John Steinbeck", "Jack London", "Robert Frost", "Pacific", "Bayside",
	"Hillcrest", "Lakeside", "Parkview", "Sunnyside", "Westwood",
	"Eastwood", "Northridge", "Southgate", "Meadowbrook", "Cypress",
	"Magnolia", "Jacaranda", "Manzanita", "Los Cerritos", "Las Palmas",
	"El Sereno", "Loma Vista", "Buena Vista", "Vista Grande", "Rancho",
	"Sutter", "Fremont", "Stanford", "George Washington Carver",
	"Mary McLeod Bethune", "Dr. Sammy Lee", "Ynez", "Alta Vista",
	"Del Mar", "La Cañada", "Peñasquitos", "Dos Pueblos", "Arroyo",
	"Live Oak", "Sycamore", "Canyon", "Mesa Verde", "Rio Vista",
	"Harriet Tubman", "Ralph Bunche", "Maya Angelou", "Ruth Asawa",
	"Wilma Mankiller", "Daniel Inouye", "Vicente Martinez",
};

typedef struct school_type {
	uint8_t lo, hi;       /* grades served */
	const char *suffix;
	uint16_t unit_lo, unit_span;  /* relative size draw */
} school_type;

enum { S_ELEM, S_ELEM6, S_MIDDLE, S_HIGH, S_K8, S_CONT, S_K12, S_COMM,
       S_SPED, S_CH_ELEM, S_CH_K8, S_CH_MID, S_CH_HIGH, S_CH_612,
       S_CH_K12, N_SCHOOL_TYPES };

static const school_type school_types[N_SCHOOL_TYPES] = {
	[S_ELEM] = { G_TK, G_05, " Elementary", 60, 100 },
	[S_ELEM6] = { G_TK, G_06, " Elementary", 60, 100 },
	[S_MIDDLE] = { G_06, G_08, " Middle", 60, 100 },
	[S_HIGH] = { G_09, G_12, " High", 60, 100 },
	[S_K8] = { G_TK, G_08, " K-8 Academy", 30, 50 },
	[S_CONT] = { G_09, G_12, " Continuation High", 5, 15 },
	[S_K12] = { G_TK, G_12, " School", 60, 60 },
	[S_COMM] = { G_07, G_12, " County Community", 30, 30 },
	[S_SPED] = { G_TK, G_12, " County Special Education", 10, 20 },
	[S_CH_ELEM] = { G_TK, G_05, "", 60, 60 },
	[S_CH_K8] = { G_TK, G_08, "", 60, 60 },
	[S_CH_MID] = { G_06, G_08, "", 60, 60 },
	[S_CH_HIGH] = { G_09, G_12, "", 60, 60 },
	[S_CH_612] = { G_06, G_12, "", 60, 60 },
	[S_CH_K12] = { G_TK, G_12, "", 60, 60 },
};

/* For districts with more schools than namesakes. */
static const char *const street_words[] = {
	" Avenue", " Street", " Boulevard", " Drive", " Road",
};
static const char *const namesake_words[] = { " Park", " Heights", " Hills" };

static const char *const campus_suffix[] = {
	", Main Campus", ", North Campus", ", South Campus", ", East Campus",
	", West Campus", ", Annex",
};

static const char *const streets[] = {
	"Main", "Oak", "Maple", "Pine", "Cedar", "Elm", "Washington", "Lincoln",
	"Park", "Lake", "Hill", "Sunset", "Mission", "Valley View", "Broadway",
	"Olive", "Walnut", "Willow", "Cypress", "Magnolia", "Sycamore",
	"Jefferson", "Madison", "Franklin", "Central", "Grand", "Euclid",
	"Orange", "Palm", "Vista del Mar", "Cesar Chavez", "Martin Luther King Jr",
	"La Brea", "Figueroa", "Alvarado", "Vermont", "Mariposa", "Los Robles",
	"Santa Rosa", "San Pablo", "Del Rey", "Camino Alto", "Foothill",
	"Laurel", "Acacia", "Jacaranda", "Bonita", "Hacienda", "Alameda",
	"Citrus", "Almond", "Vineyard", "Redwood", "Manzanita", "Shoreline",
};
static const char *const street_suffix[] = {
	" St", " Ave", " Blvd", " Dr", " Ct", " Ln", " Way", " Rd", " Pl",
	" Cir", " Ter",
};
static const char *const street_dir[] = { "N ", "S ", "E ", "W " };

/* ------------------------------------------------------------------ */
/* Small text helpers                                                   */

typedef struct span {
	const char *p;
	size_t n;
} span;

static span span_str(const char *s)
{
	return (span){ s, strlen(s) };
}

/* Columns of the students file, in header order. */
enum { C_SSID, C_LEA_CODE, C_LEA_NAME, C_SCHOOL_CODE, C_SCHOOL_NAME,
       C_GRADE, C_LAST, C_FIRST, C_MIDDLE, C_REPORT, C_PLANG, C_SSRLANG,
       C_PAPER, C_GUARDIAN, C_ADDR1, C_ADDR2, C_CITY, C_STATE, C_ZIP,
       N_COLS };

static const char students_header[] =
	"ssid,lea_code,lea_name,school_code,school_name,grade,last_name,"
	"first_name,middle_name,report,primary_language,ssr_language,paper_ssr,"
	"guardian_name,address_line1,address_line2,city,state,zip\n";

static const char orders_header[] =
	"lea_code,school_code,program,envelopes,paper_size,po_number,"
	"ordered_on,cancelled_on\n";

/* Append n fields to dst in RFC 4180 form (quoted when a field holds a
 * comma, quote or line break), each followed by ',' but the last, which is
 * followed by '\n' when end_line, else ','.  Returns the length written. */
static size_t csv_join(char *dst, size_t cap, const span *f, size_t n, int end_line)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int quote = 0;
		for (size_t j = 0; j < f[i].n; j++) {
			const char c = f[i].p[j];
			if (c == ',' || c == '"' || c == '\n' || c == '\r') {
				quote = 1;
				break;
			}
		}
		assert(k + 2 * f[i].n + 3 <= cap);
		(void)cap;
		if (!quote) {
			memcpy(dst + k, f[i].p, f[i].n);
			k += f[i].n;
		} else {
			dst[k++] = '"';
			for (size_t j = 0; j < f[i].n; j++) {
				if (f[i].p[j] == '"')
					dst[k++] = '"';
				dst[k++] = f[i].p[j];
			}
			dst[k++] = '"';
		}
		dst[k++] = (i + 1 == n && end_line) ? '\n' : ',';
	}
	return k;
}

/* Write v as exactly `width` decimal digits (zero-padded) at dst. */
static void put_digits(char *dst, uint64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		dst[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Decimal without padding; returns the length. */
static size_t put_uint(char *dst, uint64_t v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		dst[i] = tmp[n - 1 - i];
	return n;
}

/* Bounded string builder over a fixed buffer (names, addresses). */
typedef struct sbuf {
	char *p;
	size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
	if (n > b->cap - b->n)
		n = b->cap - b->n;
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void sb_str(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_uint(sbuf *b, uint64_t v)
{
	char tmp[24];
	sb_add(b, tmp, put_uint(tmp, v));
}

/* ------------------------------------------------------------------ */
/* Arena for the world's strings                                        */

typedef struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	char data[];
} arena_chunk;

#define ARENA_CHUNK_BYTES (64u * 1024u)

static char *arena_alloc(arena_chunk **head, size_t n)
{
	arena_chunk *c = *head;
	if (!c || c->cap - c->used < n) {
		const size_t cap = n > ARENA_CHUNK_BYTES ? n : ARENA_CHUNK_BYTES;
		c = mem_alloc(sizeof *c + cap);
		if (!c)
			return NULL;
		c->next = *head;
		c->used = 0;
		c->cap = cap;
		*head = c;
	}
	char *p = c->data + c->used;
	c->used += n;
	return p;
}

static const char *arena_strdup(arena_chunk **head, const char *s, size_t n)
{
	char *p = arena_alloc(head, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static void arena_free(arena_chunk *c)
{
	while (c) {
		arena_chunk *next = c->next;
		mem_free(c);
		c = next;
	}
}

/* ------------------------------------------------------------------ */
/* The generator's state                                                */

typedef struct lea {
	char code[8];
	const char *name;
	uint32_t place;          /* home city for mail */
	uint32_t weight;         /* students per grade, relative */
	uint32_t first_school, n_schools;
	uint8_t kind;
} lea;

typedef struct school {
	char code[8];
	const char *name;
	const char *prefix;      /* "lea_code,lea_name,school_code,school_name," as CSV */
	uint32_t n_prefix;
	uint32_t lea;
	uint32_t unit;           /* size relative to the LEA's other schools */
	uint8_t lo, hi;          /* grades served */
	uint64_t n_rows;         /* good rows written */
} school;

/* One student: the drawn facts, the field texts and the two joined CSV
 * pieces its rows share. */
typedef struct student {
	uint8_t grade, lang, n_rep, next;
	uint8_t rep[4];
	uint32_t school;
	char ssid[10];
	span f[N_COLS];          /* GRADE..MIDDLE and PLANG..ZIP are set */
	char last[128], first[96], middle[96], guardian[224];
	char addr1[96], addr2[24], zip[6];
	char mid[1024];          /* grade..middle_name, then ',' */
	size_t n_mid;
	char tail[1024];         /* primary_language..zip, then '\n' */
	size_t n_tail;
} student;

#define LINE_BYTES 4096
#define RING_ROWS 32
#define SSID_SPACE UINT64_C(9000000000)  /* 1000000000..9999999999 */

typedef struct synth {
	uint64_t seed;
	rng r_world, r_main, r_bad, r_orders;
	uint32_t n_lea, n_school;
	lea *leas;
	school *schools;
	arena_chunk *arena;
	uint32_t *pick_cum[N_GRADES];     /* inclusive cumulative weights */
	uint32_t *pick_school[N_GRADES];
	uint32_t pick_n[N_GRADES];
	uint16_t grade_cum[N_GRADES];
	uint16_t lang_cum[N_HOME_LANGS];
	uint32_t *county_places[59];      /* places of each county */
	uint32_t county_n[59];
	uint64_t feistel_key[4];
	uint64_t n_students, n_phantoms, n_good;
	outstream *out;
	student cur;                      /* the student whose rows are going out */
	student phantom;                  /* the malformed row being built */
	uint32_t ring_n, ring_next;
	uint16_t ring_len[RING_ROWS];
	char ring[RING_ROWS][LINE_BYTES];
	char line[LINE_BYTES];
} synth;

/* ------------------------------------------------------------------ */
/* SSIDs                                                                */

/* A permutation of 0..10^10-1: a balanced Feistel network on two 5-digit
 * halves, addition mod 10^5 so every round is a bijection. */
static uint64_t feistel10(const synth *s, uint64_t x)
{
	uint64_t l = x / 100000, r = x % 100000;
	for (int i = 0; i < 4; i++) {
		const uint64_t f = mix64(r ^ s->feistel_key[i]) % 100000;
		const uint64_t nl = r;
		r = (l + f) % 100000;
		l = nl;
	}
	return l * 100000 + r;
}

/* The k-th SSID, k < SSID_SPACE: cycle-walk the permutation until it lands
 * on ten digits with no leading zero, so distinct k give distinct SSIDs. */
static void ssid_of(const synth *s, uint64_t k, char out[10])
{
	uint64_t x = UINT64_C(1000000000) + k;
	do
		x = feistel10(s, x);
	while (x < UINT64_C(1000000000));
	put_digits(out, x, 10);
}

/* ------------------------------------------------------------------ */
/* The world: LEAs and schools                                          */

static uint64_t isqrt64(uint64_t v)
{
	uint64_t r = 0, bit = UINT64_C(1) << 62;
	while (bit > v)
		bit >>= 2;
	while (bit) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static int lea_name_taken(const synth *s, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(s->leas[i].name, name) == 0)
			return 1;
	return 0;
}

static uint32_t place_index(const char *city)
{
	for (uint32_t i = 0; i < N_PLACES; i++)
		if (strcmp(places[i].city, city) == 0)
			return i;
	assert(!"big LEA city missing from places[]");
	return 0;
}

/* Name and home place of a generic LEA i (not one of big_leas[]). */
static status lea_name_generic(synth *s, uint32_t i)
{
	lea *l = &s->leas[i];
	rng *r = &s->r_world;
	char buf[160];
	for (int attempt = 0;; attempt++) {
		sbuf b = { buf, 0, sizeof buf - 1 };
		switch (l->kind) {
		case K_CHARTER:
			l->place = rng_below(r, N_PLACES);
			sb_str(&b, charter_prefix[rng_below(r, COUNT(charter_prefix))]);
			sb_str(&b, charter_core[rng_below(r, COUNT(charter_core))]);
			sb_str(&b, charter_tail[rng_below(r, COUNT(charter_tail))]);
			break;
		case K_COE:  /* l->place is already in its county */
			sb_str(&b, county_names[places[l->place].county]);
			sb_str(&b, " County Office of Education");
			break;
		default: {
			const uint32_t n_stems = N_PLACES + COUNT(area_stems);
			const uint32_t stem = rng_below(r, n_stems);
			sb_str(&b, stem < N_PLACES ? places[stem].city : area_stems[stem - N_PLACES]);
			l->place = stem < N_PLACES ? stem : rng_below(r, N_PLACES);
			if (l->kind == K_UNIFIED)
				sb_str(&b, unified_suffix[rng_skew(r, COUNT(unified_suffix))]);
			else if (l->kind == K_HIGH)
				sb_str(&b, high_suffix[rng_skew(r, COUNT(high_suffix))]);
			else
				sb_str(&b, elementary_suffix[rng_skew(r, COUNT(elementary_suffix))]);
		}
		}
		if (attempt >= 200) {  /* practically never: number it */
			sb_str(&b, " No. ");
			sb_uint(&b, i);
		}
		buf[b.n] = '\0';
		if (lea_name_taken(s, i, buf))
			continue;
		l->name = arena_strdup(&s->arena, buf, b.n);
		return l->name ? ST_OK : status_fail(ST_NOMEM, "synth: out of memory");
	}
}

/* Decide each LEA's kind, size, name, code and school count. */
static status build_leas(synth *s, uint64_t rows)
{
	rng *r = &s->r_world;
	uint64_t n = isqrt64(rows / 6);
	if (n < 6)
		n = 6;
	if (n > 1000)
		n = 1000;
	s->n_lea = (uint32_t)n;
	s->leas = mem_calloc(n, sizeof *s->leas);
	if (!s->leas)
		return status_fail(ST_NOMEM, "synth: out of memory");

	int coe_used[59] = { 0 };
	const uint32_t n_big_used = COUNT(big_leas) < (n + 1) / 2 ? (uint32_t)COUNT(big_leas) : (uint32_t)(n + 1) / 2;
	uint64_t w_rest = 0;
	for (uint32_t i = 0; i < s->n_lea; i++) {
		lea *l = &s->leas[i];
		if (i < n_big_used) {
			l->kind = big_leas[i].kind;
			l->name = big_leas[i].name;
			l->place = place_index(big_leas[i].city);
		} else {
			/* Past the big districts: mostly one-school charters and
			 * small elementary districts, as in California. */
			const uint32_t k = rng_below(r, 100);
			l->kind = k < 45 ? K_CHARTER : k < 75 ? K_ELEMENTARY :
				  k < 87 ? K_UNIFIED : k < 92 ? K_HIGH : K_COE;
			if (l->kind == K_COE) {
				/* one per county: the county of a random place */
				l->place = rng_below(r, N_PLACES);
				const uint8_t county = places[l->place].county;
				if (coe_used[county])
					l->kind = K_ELEMENTARY;
				coe_used[county] = 1;
			}
			status st = lea_name_generic(s, i);
			if (st != ST_OK)
				return st;
		}
		if (i > 0) {
			uint32_t w = (uint32_t)((UINT32_C(1) << 28) / (i + 10));
			if (l->kind == K_CHARTER)
				w /= 2;
			else if (l->kind == K_COE)
				w /= 3;
			l->weight = w ? w : 1;
			w_rest += l->weight;
		}
	}
	/* Los Angeles Unified: about 8% of the rows (it serves every grade,
	 * unlike the elementary and high school districts, hence 7/100). */
	s->leas[0].weight = (uint32_t)(w_rest * 7 / 100);

	/* LEA codes: county + a 5-digit district number, a bijection of the
	 * rank over 10000..99999 that gives Los Angeles its real 64733. */
	for (uint32_t i = 0; i < s->n_lea; i++) {
		lea *l = &s->leas[i];
		const uint64_t district = 10000 + (UINT64_C(7919) * i + 54733) % 90000;
		put_digits(l->code, places[l->place].county, 2);
		put_digits(l->code + 2, district, 5);
		l->code[7] = '\0';
	}
	return ST_OK;
}

/* The types of a district's n schools, into types[0..n). */
static void school_mix(rng *r, uint8_t kind, uint32_t n, uint8_t *types)
{
	uint32_t k = 0;
	switch (kind) {
	case K_UNIFIED:
		if (n == 1) {
			types[k++] = S_K12;
		} else if (n == 2) {
			types[k++] = S_K8;
			types[k++] = S_HIGH;
		} else {
			uint32_t high = n * 15 / 100, mid = n * 17 / 100, other = n * 5 / 100;
			if (high < 1)
				high = 1;
			if (mid < 1)
				mid = 1;
			for (uint32_t i = 0; i < high; i++)
				types[k++] = S_HIGH;
			for (uint32_t i = 0; i < mid; i++)
				types[k++] = S_MIDDLE;
			for (uint32_t i = 0; i < other; i++)
				types[k++] = (i & 1) ? S_K8 : S_CONT;
			while (k < n)
				types[k++] = S_ELEM;
		}
		break;
	case K_ELEMENTARY:
		if (n == 1) {
			types[k++] = S_K8;
		} else {
			uint32_t mid = n / 6;
			if (mid < 1)
				mid = 1;
			for (uint32_t i = 0; i < mid; i++)
				types[k++] = S_MIDDLE;
			while (k < n)
				types[k++] = S_ELEM;
		}
		break;
	case K_HIGH: {
		const uint32_t cont = n >= 4 ? n / 5 : 0;
		for (uint32_t i = 0; i < cont; i++)
			types[k++] = S_CONT;
		while (k < n)
			types[k++] = S_HIGH;
		break;
	}
	case K_COE:
		types[k++] = S_COMM;
		if (n > 1)
			types[k++] = S_SPED;
		while (k < n)
			types[k++] = S_COMM;
		break;
	default: { /* one-school charter */
		static const uint8_t ch[] = { S_CH_ELEM, S_CH_ELEM, S_CH_K8, S_CH_K8,
			S_CH_MID, S_CH_HIGH, S_CH_HIGH, S_CH_612, S_CH_K12 };
		types[k++] = ch[rng_below(r, COUNT(ch))];
	}
	}
	assert(k == n);
}

static status build_schools(synth *s, uint64_t rows)
{
	rng *r = &s->r_world;
	uint64_t target = (uint64_t)s->n_lea * 10;
	uint64_t by_rows = rows / 25;
	if (by_rows < (uint64_t)s->n_lea * 2)
		by_rows = (uint64_t)s->n_lea * 2;
	if (target > by_rows)
		target = by_rows;

	/* Charters and county offices have one to three schools; districts
	 * share the rest by weight. */
	uint64_t fixed = 0, w_dist = 0;
	for (uint32_t i = 0; i < s->n_lea; i++) {
		lea *l = &s->leas[i];
		if (l->kind == K_CHARTER) {
			l->n_schools = 1;
			fixed++;
		} else if (l->kind == K_COE) {
			l->n_schools = 1 + rng_below(r, 3);
			fixed += l->n_schools;
		} else {
			w_dist += l->weight;
		}
	}
	const uint64_t for_dist = target > fixed ? target - fixed : 0;
	uint64_t total = 0;
	uint32_t max_per_lea = 1;
	for (uint32_t i = 0; i < s->n_lea; i++) {
		lea *l = &s->leas[i];
		if (l->kind != K_CHARTER && l->kind != K_COE) {
			uint64_t k = for_dist * l->weight / w_dist;
			if (k < 1)
				k = 1;
			if (i == 0 && k < 3)
				k = 3;  /* Los Angeles serves every grade on its own */
			l->n_schools = (uint32_t)k;
		}
		l->first_school = (uint32_t)total;
		total += l->n_schools;
		if (l->n_schools > max_per_lea)
			max_per_lea = l->n_schools;
	}
	s->n_school = (uint32_t)total;
	s->schools = mem_calloc(total, sizeof *s->schools);
	uint8_t *types = mem_alloc(max_per_lea);
	if (!s->schools || !types) {
		mem_free(types);
		return status_fail(ST_NOMEM, "synth: out of memory");
	}

	for (uint32_t i = 0; i < s->n_lea; i++) {
		const lea *l = &s->leas[i];
		school_mix(r, l->kind, l->n_schools, types);
		const uint32_t ns_start = rng_below(r, COUNT(namesakes));
		for (uint32_t j = 0; j < l->n_schools; j++) {
			const uint32_t id = l->first_school + j;
			school *sc = &s->schools[id];
			const school_type *t = &school_types[types[j]];
			sc->lea = i;
			sc->lo = t->lo;
			sc->hi = t->hi;
			sc->unit = t->unit_lo + rng_below(r, t->unit_span + 1u);
			/* Statewide-unique 7-digit codes, a bijection of the index. */
			put_digits(sc->code, 1000000 + (UINT64_C(1234577) * id + 6016) % 9000000, 7);
			sc->code[7] = '\0';

			char buf[200];
			sbuf b = { buf, 0, sizeof buf - 1 };
			if (l->kind == K_CHARTER) {
				sb_str(&b, l->name);
			} else if (l->kind == K_COE) {
				sb_str(&b, county_names[places[l->place].county]);
				sb_str(&b, t->suffix);
				if (j >= 2) {
					sb_str(&b, " ");
					sb_uint(&b, j);
				}
			} else {
				/* Namesakes first, then Los Angeles style street
				 * names ("Hobart Boulevard Elementary"), namesake
				 * variants, and at last numbered streets, so names
				 * are unique within the LEA. */
				const uint32_t n_ns = COUNT(namesakes);
				const uint32_t n_st = COUNT(streets) * COUNT(street_words);
				const uint32_t n_var = n_ns * COUNT(namesake_words);
				if (j < n_ns) {
					sb_str(&b, namesakes[(ns_start + j) % n_ns]);
				} else if (j < n_ns + n_st) {
					const uint32_t q = j - n_ns;
					sb_str(&b, streets[(ns_start + q) % COUNT(streets)]);
					sb_str(&b, street_words[q / COUNT(streets)]);
				} else if (j < n_ns + n_st + n_var) {
					const uint32_t q = j - n_ns - n_st;
					sb_str(&b, namesakes[(ns_start + q) % n_ns]);
					sb_str(&b, namesake_words[q / n_ns]);
				} else {
					const uint64_t num = j - (n_ns + n_st + n_var) + 10;
					const uint64_t last2 = num % 100;
					sb_uint(&b, num);
					sb_str(&b, (last2 >= 11 && last2 <= 13) ? "th" :
						num % 10 == 1 ? "st" : num % 10 == 2 ? "nd" :
						num % 10 == 3 ? "rd" : "th");
					sb_str(&b, " Street");
				}
				sb_str(&b, t->suffix);
				if (rng_chance(r, 300))
					sb_str(&b, campus_suffix[rng_below(r, COUNT(campus_suffix))]);
			}
			sc->name = arena_strdup(&s->arena, buf, b.n);

			const span f[4] = { { l->code, 7 }, span_str(l->name),
				{ sc->code, 7 }, { buf, b.n } };
			char pre[640];
			const size_t np = csv_join(pre, sizeof pre, f, 4, 0);
			sc->prefix = arena_strdup(&s->arena, pre, np);
			sc->n_prefix = (uint32_t)np;
			if (!sc->name || !sc->prefix) {
				mem_free(types);
				return status_fail(ST_NOMEM, "synth: out of memory");
			}
		}
	}
	mem_free(types);
	return ST_OK;
}

/* Per grade: the schools serving it, with cumulative weights.  A district
 * spreads its weight over the schools serving each grade by their units. */
static status build_pick_tables(synth *s)
{
	uint64_t (*unit_sum)[N_GRADES] = mem_calloc(s->n_lea, sizeof *unit_sum);
	if (!unit_sum)
		return status_fail(ST_NOMEM, "synth: out of memory");
	for (uint32_t i = 0; i < s->n_school; i++) {
		const school *sc = &s->schools[i];
		for (unsigned g = sc->lo; g <= sc->hi; g++) {
			unit_sum[sc->lea][g] += sc->unit;
			s->pick_n[g]++;
		}
	}
	for (unsigned g = 0; g < N_GRADES; g++) {
		s->pick_cum[g] = mem_alloc((s->pick_n[g] + 1) * sizeof(uint32_t));
		s->pick_school[g] = mem_alloc((s->pick_n[g] + 1) * sizeof(uint32_t));
		if (!s->pick_cum[g] || !s->pick_school[g]) {
			mem_free(unit_sum);
			return status_fail(ST_NOMEM, "synth: out of memory");
		}
		assert(s->pick_n[g] > 0);  /* Los Angeles serves every grade */
	}
	uint32_t k[N_GRADES] = { 0 };
	uint64_t cum[N_GRADES] = { 0 };
	for (uint32_t i = 0; i < s->n_school; i++) {
		const school *sc = &s->schools[i];
		const lea *l = &s->leas[sc->lea];
		for (unsigned g = sc->lo; g <= sc->hi; g++) {
			uint64_t w = (uint64_t)l->weight * sc->unit / unit_sum[sc->lea][g];
			cum[g] += w ? w : 1;
			assert(cum[g] < UINT32_MAX);
			s->pick_cum[g][k[g]] = (uint32_t)cum[g];
			s->pick_school[g][k[g]] = i;
			k[g]++;
		}
	}
	mem_free(unit_sum);
	return ST_OK;
}

static uint32_t pick_school(synth *s, rng *r, unsigned g)
{
	const uint32_t *cum = s->pick_cum[g];
	const uint32_t x = rng_below(r, cum[s->pick_n[g] - 1]);
	uint32_t lo = 0, hi = s->pick_n[g] - 1;  /* first cum > x */
	while (lo < hi) {
		const uint32_t mid = lo + (hi - lo) / 2;
		if (cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return s->pick_school[g][lo];
}

static status build_world(synth *s, uint64_t rows)
{
	status st = build_leas(s, rows);
	if (st == ST_OK)
		st = build_schools(s, rows);
	if (st == ST_OK)
		st = build_pick_tables(s);
	if (st != ST_OK)
		return st;

	uint32_t c = 0;
	for (unsigned g = 0; g < N_GRADES; g++)
		s->grade_cum[g] = (uint16_t)(c += grade_weight[g]);
	c = 0;
	for (unsigned i = 0; i < N_HOME_LANGS; i++)
		s->lang_cum[i] = (uint16_t)(c += home_langs[i].per_10k);
	assert(c == 10000);

	for (uint32_t i = 0; i < N_PLACES; i++)
		s->county_n[places[i].county]++;
	for (unsigned k = 1; k < 59; k++) {
		if (!s->county_n[k])
			continue;
		s->county_places[k] = mem_alloc(s->county_n[k] * sizeof(uint32_t));
		if (!s->county_places[k])
			return status_fail(ST_NOMEM, "synth: out of memory");
		s->county_n[k] = 0;
	}
	for (uint32_t i = 0; i < N_PLACES; i++) {
		const unsigned k = places[i].county;
		s->county_places[k][s->county_n[k]++] = i;
	}
	return ST_OK;
}

/* ------------------------------------------------------------------ */
/* Students                                                             */

/* Copy s into buf, changing ASCII letters' case (how == 1 upper, 2 lower),
 * optionally with a trailing space: the odd casing of real extracts. */
static span text_variant(char *buf, size_t cap, const char *s, int how, int trailing_space)
{
	size_t n = strlen(s);
	if (n + 2 > cap)
		n = cap - 2;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (how == 1 && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (how == 2 && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		buf[i] = c;
	}
	if (trailing_space)
		buf[n++] = ' ';
	return (span){ buf, n };
}

static unsigned name_group(rng *r, const home_lang *hl)
{
	switch (hl->group) {
	case NG_ENGLISH_MIX:
		return english_group[pick_cum(r, english_group_cum, COUNT(english_group))];
	case NG_ANY:
		return rng_below(r, N_GROUPS);
	case NG_HISPANIC:
		/* a few Spanish speakers carry names from elsewhere */
		return rng_chance(r, 300) ? NG_ANGLO : NG_HISPANIC;
	default:
		return hl->group;
	}
}

/* Names and mailing block of st (its grade, language and school are set). */
static void person_fill(synth *s, rng *r, student *st)
{
	const home_lang *hl = &home_langs[st->lang];
	const unsigned grp = name_group(r, hl);
	const name_pool *p = &pools[grp];

	/* Last name: from the group's extra surnames at their share, double or
	 * hyphenated surnames for some Hispanic students, and now and then the
	 * odd casing of a careless data entry.  A surname written in Han comes
	 * with a given name in Han and no middle name. */
	const surname_extra *x = &surname_extras[grp];
	const int extra = x->n_last && rng_chance(r, x->per_10k);
	const int han = extra && grp == NG_CHINESE;
	const char *base_last = extra ? x->last[rng_skew(r, x->n_last)] :
		p->last[rng_skew(r, p->n_last)];
	char compound[96];
	if (grp == NG_HISPANIC && rng_chance(r, 700)) {
		sbuf b = { compound, 0, sizeof compound - 1 };
		sb_str(&b, base_last);
		sb_str(&b, rng_chance(r, 7000) ? " " : "-");
		sb_str(&b, p->last[rng_skew(r, p->n_last)]);
		compound[b.n] = '\0';
		base_last = compound;
	}
	const uint32_t odd = rng_below(r, 10000);
	const int how = odd < 30 ? 1 : odd < 50 ? 2 : 0;
	st->f[C_LAST] = text_variant(st->last, sizeof st->last, base_last, how, odd >= 50 && odd < 60);

	/* First name: a few students of English-speaking families carry a
	 * name from another group. */
	const name_pool *pf = (hl->group == NG_ENGLISH_MIX && rng_chance(r, 800)) ?
		&pools[english_group[pick_cum(r, english_group_cum, COUNT(english_group))]] : p;
	const char *first = han ? han_first[rng_skew(r, COUNT(han_first))] :
		pf->first[rng_skew(r, pf->n_first)];
	st->f[C_FIRST] = text_variant(st->first, sizeof st->first, first,
				      rng_chance(r, 20) ? 1 : 0, 0);

	/* Middle name: often blank; Anglo ones are sometimes an initial. */
	st->f[C_MIDDLE] = (span){ "", 0 };
	if (!han && rng_chance(r, p->middle_per_10k)) {
		const char *m = p->middle ? p->middle[rng_skew(r, p->n_middle)] :
			p->first[rng_below(r, p->n_first)];
		size_t n = strlen(m);
		if (grp == NG_ANGLO && rng_chance(r, 1500) && (unsigned char)m[0] < 0x80)
			n = 1;
		memcpy(st->middle, m, n);
		st->f[C_MIDDLE] = (span){ st->middle, n };
	}

	st->f[C_GRADE] = (span){ grade_text[st->grade], 2 };
	st->f[C_PLANG] = span_str(hl->code);

	/* ssr_language: an override for 1%, usually the home language's. */
	st->f[C_SSRLANG] = (span){ "", 0 };
	if (rng_chance(r, 100)) {
		const unsigned l = rng_chance(r, 5000) ? hl->ssr : rng_below(r, N_SSR_LANGS);
		st->f[C_SSRLANG] = span_str(ssr_lang_text[l]);
	}
	const uint32_t paper = rng_below(r, 10000);
	st->f[C_PAPER] = paper < 200 ? (span){ "Y", 1 } : paper < 3200 ? (span){ "N", 1 } : (span){ "", 0 };

	/* Mailing block: 3% have none at all. */
	if (rng_chance(r, 300)) {
		for (unsigned c = C_GUARDIAN; c <= C_ZIP; c++)
			st->f[c] = (span){ "", 0 };
		return;
	}
	{
		sbuf b = { st->guardian, 0, sizeof st->guardian };
		if (han) {  /* written as in Chinese: surname, then given name */
			sb_str(&b, base_last);
			sb_str(&b, han_first[rng_below(r, COUNT(han_first))]);
		} else {
			sb_str(&b, p->first[rng_below(r, p->n_first)]);
			sb_str(&b, " ");
			sb_str(&b, rng_chance(r, 8000) ? base_last : p->last[rng_skew(r, p->n_last)]);
		}
		st->f[C_GUARDIAN] = (span){ st->guardian, b.n };
	}
	{
		sbuf b = { st->addr1, 0, sizeof st->addr1 };
		if (rng_chance(r, 200)) {
			sb_str(&b, "PO Box ");
			sb_uint(&b, 1 + rng_below(r, 9999));
		} else {
			sb_uint(&b, rng_chance(r, 8000) ? 100 + rng_below(r, 19900) : 1 + rng_below(r, 99));
			sb_str(&b, " ");
			if (rng_chance(r, 1500))
				sb_str(&b, street_dir[rng_below(r, COUNT(street_dir))]);
			sb_str(&b, streets[rng_skew(r, COUNT(streets))]);
			sb_str(&b, street_suffix[rng_skew(r, COUNT(street_suffix))]);
		}
		st->f[C_ADDR1] = (span){ st->addr1, b.n };
	}
	st->f[C_ADDR2] = (span){ "", 0 };
	if (rng_chance(r, 2200)) {
		static const char *const unit[] = { "Apt ", "Apt ", "Unit ", "#", "Spc " };
		sbuf b = { st->addr2, 0, sizeof st->addr2 };
		sb_str(&b, unit[rng_below(r, COUNT(unit))]);
		sb_uint(&b, 1 + rng_skew(r, 300));
		if (rng_chance(r, 1500)) {
			const char letter = (char)('A' + rng_below(r, 6));
			sb_add(&b, &letter, 1);
		}
		st->f[C_ADDR2] = (span){ st->addr2, b.n };
	}
	/* City: mostly the LEA's own, else a neighbour in the county. */
	const lea *l = &s->leas[s->schools[st->school].lea];
	uint32_t pl = l->place;
	const uint32_t where = rng_below(r, 100);
	if (where >= 95) {
		pl = rng_below(r, N_PLACES);
	} else if (where >= 85) {
		const unsigned k = places[pl].county;
		pl = s->county_places[k][rng_below(r, s->county_n[k])];
	}
	st->f[C_CITY] = span_str(places[pl].city);
	st->f[C_STATE] = (span){ "CA", 2 };
	uint32_t zip = places[pl].zip + rng_below(r, pl < N_BIG_CITIES ? 60 : 6);
	if (zip > 96162)
		zip = 96162;
	put_digits(st->zip, zip, 5);
	st->f[C_ZIP] = (span){ st->zip, 5 };
}

/* Draw the next student with at least one report; k numbers its SSID. */
static void student_new(synth *s, rng *r, student *st, uint64_t k)
{
	for (;;) {
		const unsigned g = pick_cum(r, s->grade_cum, N_GRADES);
		const unsigned lang = pick_cum(r, s->lang_cum, N_HOME_LANGS);
		const char *code = home_langs[lang].code;
		const int english = code[0] == '\0' || (code[0] == '0' && code[1] == '0');
		const int alternate = rng_chance(r, 100);  /* takes the CAAs */
		unsigned n = 0;
		if (SB_GRADES & GBIT(g))
			st->rep[n++] = alternate ? R_CAA : R_SB;
		if ((g == G_05 || g == G_08) || rng_chance(r, cast_hs_per_10k[g]))
			st->rep[n++] = alternate ? R_CAAS : R_CAST;
		if (g >= G_03 && rng_chance(r, lang == LANG_SPANISH ? 400 : 50))
			st->rep[n++] = R_CSA;
		if (!english && rng_chance(r, elpac_per_10k[g]))
			st->rep[n++] = R_ELPAC;
		if (!n)
			continue;  /* no test this year: not in the file */
		st->grade = (uint8_t)g;
		st->lang = (uint8_t)lang;
		st->n_rep = (uint8_t)n;
		st->next = 0;
		break;
	}
	st->school = pick_school(s, r, st->grade);
	ssid_of(s, k, st->ssid);
	person_fill(s, r, st);
	st->n_mid = csv_join(st->mid, sizeof st->mid, st->f + C_GRADE, 4, 0);
	st->n_tail = csv_join(st->tail, sizeof st->tail, st->f + C_PLANG, N_COLS - C_PLANG, 1);
}

/* All 19 fields of one of st's rows. */
static void student_fields(const synth *s, const student *st, unsigned rep, span *f)
{
	const school *sc = &s->schools[st->school];
	const lea *l = &s->leas[sc->lea];
	memcpy(f, st->f, sizeof st->f);
	f[C_SSID] = (span){ st->ssid, 10 };
	f[C_LEA_CODE] = (span){ l->code, 7 };
	f[C_LEA_NAME] = span_str(l->name);
	f[C_SCHOOL_CODE] = (span){ sc->code, 7 };
	f[C_SCHOOL_NAME] = span_str(sc->name);
	f[C_REPORT] = span_str(report_text[rep]);
}

static void emit_good(synth *s)
{
	student *st = &s->cur;
	school *sc = &s->schools[st->school];
	const char *rep = report_text[st->rep[st->next++]];
	const size_t n_rep = strlen(rep);
	char *p = s->line;
	memcpy(p, st->ssid, 10);
	p[10] = ',';
	p += 11;
	memcpy(p, sc->prefix, sc->n_prefix);
	p += sc->n_prefix;
	memcpy(p, st->mid, st->n_mid);
	p += st->n_mid;
	memcpy(p, rep, n_rep);
	p += n_rep;
	*p++ = ',';
	memcpy(p, st->tail, st->n_tail);
	p += st->n_tail;
	const size_t n = (size_t)(p - s->line);
	assert(n <= LINE_BYTES);
	outstream_write(s->out, s->line, n);
	sc->n_rows++;
	/* Keep every 8th good row for duplicates. */
	if ((s->n_good++ & 7) == 0) {
		memcpy(s->ring[s->ring_next], s->line, n);
		s->ring_len[s->ring_next] = (uint16_t)n;
		s->ring_next = (s->ring_next + 1) % RING_ROWS;
		if (s->ring_n < RING_ROWS)
			s->ring_n++;
	}
}

/* Malformed rows: one defect each, every one a reject by docs/rules.md §3.3-§3.4. */
enum { BAD_SSID, BAD_LEA, BAD_SCHOOL, BAD_GRADE, BAD_LAST, BAD_FIRST,
       BAD_REPORT, BAD_REPORT_GRADE, BAD_PLANG, BAD_SSRLANG, BAD_PAPER,
       BAD_FIELDS, BAD_UTF8, BAD_DUP, N_BAD };

/* A 7-digit code mangled: too short, too long or punctuated. */
static span bad_code(rng *r, const char *code, char *buf)
{
	switch (rng_below(r, 3)) {
	case 0:
		memcpy(buf, code, 6);
		return (span){ buf, 6 };
	case 1:
		buf[0] = '0';
		memcpy(buf + 1, code, 7);
		return (span){ buf, 8 };
	default:
		memcpy(buf, code, 2);
		buf[2] = '-';
		memcpy(buf + 3, code + 2, 5);
		return (span){ buf, 8 };
	}
}

static void emit_bad(synth *s)
{
	rng *r = &s->r_bad;
	unsigned kind = rng_below(r, N_BAD);
	if (kind == BAD_DUP) {
		if (s->ring_n) {
			/* an exact copy of a recent good row */
			const uint32_t i = rng_below(r, s->ring_n);
			outstream_write(s->out, s->ring[i], s->ring_len[i]);
			return;
		}
		kind = rng_below(r, N_BAD - 1);
	}
	student *ph = &s->phantom;
	student_new(s, r, ph, SSID_SPACE - 1 - s->n_phantoms++);
	span f[N_COLS + 1];
	student_fields(s, ph, ph->rep[rng_below(r, ph->n_rep)], f);
	size_t n_cols = N_COLS;
	char buf[32];

	switch (kind) {
	case BAD_SSID:
		switch (rng_below(r, 4)) {
		case 0:
			f[C_SSID].n = 9;
			break;
		case 1:
			memcpy(buf, ph->ssid, 10);
			buf[10] = (char)('0' + rng_below(r, 10));
			f[C_SSID] = (span){ buf, 11 };
			break;
		case 2:
			memcpy(buf, ph->ssid, 10);
			buf[1 + rng_below(r, 9)] = 'O';  /* a letter O for a zero */
			f[C_SSID] = (span){ buf, 10 };
			break;
		default:
			f[C_SSID] = (span){ "", 0 };
		}
		break;
	case BAD_LEA:
		f[C_LEA_CODE] = bad_code(r, f[C_LEA_CODE].p, buf);
		break;
	case BAD_SCHOOL:
		f[C_SCHOOL_CODE] = bad_code(r, f[C_SCHOOL_CODE].p, buf);
		break;
	case BAD_GRADE: {
		static const char *const g[] = { "K", "13", "7", "PK", "00" };
		f[C_GRADE] = span_str(g[rng_below(r, COUNT(g))]);
		break;
	}
	case BAD_LAST:
		f[C_LAST] = rng_chance(r, 5000) ? (span){ "", 0 } : (span){ "   ", 3 };
		break;
	case BAD_FIRST:
		f[C_FIRST] = rng_chance(r, 5000) ? (span){ "", 0 } : (span){ " ", 1 };
		break;
	case BAD_REPORT: {
		static const char *const rp[] = { "SBAC", "ELA", "CAASPP", "ELPAC-I", "MATH" };
		f[C_REPORT] = span_str(rp[rng_below(r, COUNT(rp))]);
		break;
	}
	case BAD_REPORT_GRADE: {
		/* a real report code in a grade that does not take it */
		static const struct { unsigned rep, grade; } pairs[] = {
			{ R_SB, G_02 }, { R_SB, G_KN }, { R_SB, G_09 }, { R_SB, G_12 },
			{ R_CAA, G_10 }, { R_CAST, G_06 }, { R_CAST, G_03 },
			{ R_CAAS, G_07 }, { R_CSA, G_01 }, { R_CSA, G_TK },
			{ R_CAA, G_TK },
		};
		const unsigned i = rng_below(r, COUNT(pairs));
		f[C_REPORT] = span_str(report_text[pairs[i].rep]);
		f[C_GRADE] = (span){ grade_text[pairs[i].grade], 2 };
		break;
	}
	case BAD_PLANG: {
		static const char *const pl[] = { "1", "ABC", "123", "1A", "SP" };
		f[C_PLANG] = span_str(pl[rng_below(r, COUNT(pl))]);
		break;
	}
	case BAD_SSRLANG: {
		static const char *const sl[] = { "FR", "JA", "SP", "DE", "ENG" };
		f[C_SSRLANG] = span_str(sl[rng_below(r, COUNT(sl))]);
		break;
	}
	case BAD_PAPER:
		f[C_PAPER] = rng_chance(r, 5000) ? (span){ "X", 1 } : (span){ "1", 1 };
		break;
	case BAD_FIELDS:
		if (rng_chance(r, 5000))
			n_cols = N_COLS - 1;  /* the zip went missing */
		else
			f[n_cols++] = (span){ "EXTRA", 5 };
		break;
	case BAD_UTF8: {
		/* Latin-1 bytes where UTF-8 belongs (octal escapes: \351 is
		 * 0xE9, é in Latin-1) */
		static const char *const l1_last[] = { "Garc\355a", "Pe\361a", "N\372\361ez", "M\374ller" };
		static const char *const l1_first[] = { "Jos\351", "Ren\351e", "Zo\353", "Jes\372s" };
		if (rng_chance(r, 5000))
			f[C_LAST] = span_str(l1_last[rng_below(r, COUNT(l1_last))]);
		else
			f[C_FIRST] = span_str(l1_first[rng_below(r, COUNT(l1_first))]);
		break;
	}
	default:
		assert(0);
	}
	const size_t n = csv_join(s->line, sizeof s->line, f, n_cols, 1);
	outstream_write(s->out, s->line, n);
}

/* ------------------------------------------------------------------ */
/* Orders                                                               */

#define NO_SCHOOL UINT32_MAX
#define DOY_APR15 105  /* day of year in 2019 */
#define DOY_JUN30 181
#define DOY_JUL15 196

enum { P_CAASPP, P_ELPAC };

typedef struct order_row {
	uint32_t lea, school;     /* school NO_SCHOOL: LEA-wide */
	uint32_t seq;             /* creation order, the sort's tie-break */
	uint32_t po;              /* 0: none */
	uint16_t ordered, cancelled;  /* days of 2019; cancelled 0: none */
	uint8_t program;
	char envelopes;           /* 'Y', 'N' or 0 (blank) */
	uint8_t paper;            /* 0 blank, 1 11x17, 2 8.5x11 */
} order_row;

typedef struct order_list {
	order_row *v;
	uint32_t n, cap;
} order_list;

static void order_push(order_list *L, const order_row *o)
{
	assert(L->n < L->cap);
	L->v[L->n] = *o;
	L->v[L->n].seq = L->n;
	L->n++;
}

/* One order row with its dates and options, and now and then a second,
 * duplicate active row for the same key. */
static void order_add(rng *r, order_list *L, uint32_t lea_i, uint32_t school_i, unsigned prog, uint32_t po)
{
	const unsigned deadline = prog == P_CAASPP ? DOY_JUL15 : DOY_JUN30;
	order_row o = { .lea = lea_i, .school = school_i, .program = (uint8_t)prog, .po = po };
	const int late = rng_chance(r, 300);
	o.ordered = (uint16_t)(late ? deadline + 1 + rng_below(r, 30) :
			       DOY_APR15 + rng_below(r, deadline - DOY_APR15 + 1));
	const uint32_t env = rng_below(r, 100);
	o.envelopes = env < 30 ? 'Y' : env < 70 ? 'N' : 0;
	const uint32_t paper = rng_below(r, 100);
	if (school_i == NO_SCHOOL && prog == P_CAASPP)
		o.paper = paper < 15 ? 2 : paper < 50 ? 1 : 0;
	else if (school_i == NO_SCHOOL)
		o.paper = paper < 20 ? 1 : 0;
	else
		o.paper = paper < 5 ? 1 : 0;  /* ignored with a warning */
	if (rng_chance(r, 300)) {
		if (rng_chance(r, 5000) && o.ordered <= DOY_JUL15)  /* in time: inactive */
			o.cancelled = (uint16_t)(o.ordered + rng_below(r, DOY_JUL15 - o.ordered + 1u));
		else  /* too late: ignored, the order stands */
			o.cancelled = (uint16_t)((o.ordered > DOY_JUL15 ? o.ordered : DOY_JUL15 + 1) + rng_below(r, 45));
	}
	order_push(L, &o);
	const int active = !late && !(o.cancelled && o.cancelled <= DOY_JUL15);
	if (active && rng_chance(r, 200)) {
		order_row d = o;
		const unsigned later = o.ordered + 1 + rng_below(r, 10);
		d.ordered = (uint16_t)(later < deadline ? later : deadline);
		d.cancelled = 0;
		order_push(L, &d);
	}
}

static int order_cmp(const void *a, const void *b)
{
	const order_row *x = a, *y = b;
	if (x->ordered != y->ordered)
		return x->ordered < y->ordered ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* "2019-MM-DD" for a day of 2019 (not a leap year). */
static void put_date(char *dst, unsigned doy)
{
	static const uint8_t mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned m = 0;
	while (m < 11 && doy > mdays[m]) {
		doy -= mdays[m];
		m++;
	}
	memcpy(dst, "2019-", 5);
	put_digits(dst + 5, m + 1, 2);
	dst[7] = '-';
	put_digits(dst + 8, doy, 2);
}

static uint64_t lea_rows(const synth *s, uint32_t i)
{
	const lea *l = &s->leas[i];
	uint64_t n = 0;
	for (uint32_t j = 0; j < l->n_schools; j++)
		n += s->schools[l->first_school + j].n_rows;
	return n;
}

static status write_orders(synth *s, outstream *o)
{
	rng *r = &s->r_orders;
	uint32_t max_sch = 1;
	for (uint32_t i = 0; i < s->n_lea; i++)
		if (s->leas[i].n_schools > max_sch)
			max_sch = s->leas[i].n_schools;
	/* Per ordering LEA and program: an LEA-wide row, up to 3 school
	 * rows, and a duplicate of each: at most 8 rows. */
	order_list L = { mem_alloc((size_t)s->n_lea * 2 * 8 * sizeof(order_row)), 0, s->n_lea * 2 * 8 };
	uint32_t *present = mem_alloc((size_t)(max_sch > s->n_lea ? max_sch : s->n_lea) * sizeof(uint32_t));
	uint8_t *forced = mem_calloc(s->n_lea, 1);
	if (!L.v || !present || !forced) {
		mem_free(L.v);
		mem_free(present);
		mem_free(forced);
		return status_fail(ST_NOMEM, "synth: out of memory");
	}

	/* Three mid-size districts that appear in the file always order. */
	const uint32_t lo = s->n_lea / 50 > 1 ? s->n_lea / 50 : 1;
	const uint32_t hi = s->n_lea / 5 > lo + 3 ? s->n_lea / 5 : lo + 3;
	uint32_t n_cand = 0;
	for (uint32_t i = lo; i <= hi && i < s->n_lea; i++)
		if (s->leas[i].kind != K_CHARTER && lea_rows(s, i) > 0)
			present[n_cand++] = i;
	for (uint32_t k = 0; k < 3 && k < n_cand; k++) {
		const uint32_t j = k + rng_below(r, n_cand - k);
		const uint32_t t = present[k];
		present[k] = present[j];
		present[j] = t;
		forced[present[k]] = 1;
	}

	for (uint32_t i = 0; i < s->n_lea; i++) {
		const lea *l = &s->leas[i];
		uint32_t np = 0;
		for (uint32_t j = 0; j < l->n_schools; j++)
			if (s->schools[l->first_school + j].n_rows)
				present[np++] = l->first_school + j;
		const uint32_t p = forced[i] ? 10000 : i == 0 ? 5000 : 1200;
		if (!np || !rng_chance(r, p))
			continue;
		const uint32_t po = rng_chance(r, 7000) ? 1 + rng_below(r, 99999) : 0;
		const uint32_t which = rng_below(r, 100);
		for (unsigned prog = P_CAASPP; prog <= P_ELPAC; prog++) {
			if ((prog == P_CAASPP && which >= 55 && which < 70) ||
			    (prog == P_ELPAC && which < 55))
				continue;  /* 55% CAASPP only, 15% ELPAC only, 30% both */
			const uint32_t scope = rng_below(r, 100);
			const int lea_wide = np < 2 || scope < 75 || scope >= 90;
			const int schools = np >= 2 && scope >= 75;
			if (lea_wide)
				order_add(r, &L, i, NO_SCHOOL, prog, po);
			if (schools) {
				const uint32_t k = 1 + rng_below(r, np - 1 < 3 ? np - 1 : 3);
				for (uint32_t j = 0; j < k; j++) {
					const uint32_t x = j + rng_below(r, np - j);
					const uint32_t t = present[j];
					present[j] = present[x];
					present[x] = t;
					order_add(r, &L, i, present[j], prog, po);
				}
			}
		}
	}
	qsort(L.v, L.n, sizeof *L.v, order_cmp);

	outstream_write(o, orders_header, sizeof orders_header - 1);
	for (uint32_t i = 0; i < L.n; i++) {
		const order_row *x = &L.v[i];
		static const char *const paper_text[] = { "", "11x17", "8.5x11" };
		char po[16], d1[10], d2[10];
		outstream_csv_field(o, s->leas[x->lea].code, 7, 0);
		if (x->school == NO_SCHOOL)
			outstream_csv_field(o, "", 0, 0);
		else
			outstream_csv_field(o, s->schools[x->school].code, 7, 0);
		outstream_csv_str(o, x->program == P_CAASPP ? "CAASPP" : "ELPAC", 0);
		outstream_csv_field(o, &x->envelopes, x->envelopes ? 1 : 0, 0);
		outstream_csv_str(o, paper_text[x->paper], 0);
		if (x->po) {
			memcpy(po, "PO-2019-", 8);
			put_digits(po + 8, x->po, 5);
			outstream_csv_field(o, po, 13, 0);
		} else {
			outstream_csv_field(o, "", 0, 0);
		}
		put_date(d1, x->ordered);
		outstream_csv_field(o, d1, 10, 0);
		if (x->cancelled) {
			put_date(d2, x->cancelled);
			outstream_csv_field(o, d2, 10, 1);
		} else {
			outstream_csv_field(o, "", 0, 1);
		}
	}
	mem_free(L.v);
	mem_free(present);
	mem_free(forced);
	return ST_OK;
}

/* ------------------------------------------------------------------ */
/* Driver                                                               */

static void synth_free(synth *s)
{
	if (!s)
		return;
	for (unsigned g = 0; g < N_GRADES; g++) {
		mem_free(s->pick_cum[g]);
		mem_free(s->pick_school[g]);
	}
	for (unsigned k = 0; k < 59; k++)
		mem_free(s->county_places[k]);
	arena_free(s->arena);
	mem_free(s->schools);
	mem_free(s->leas);
	mem_free(s);
}

static int ends_with(const char *s, const char *suffix)
{
	const size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

status synth_check(const synth_opts *o)
{
	if (!o->students_path || !*o->students_path)
		return status_fail(ST_USAGE, "gen: no students file given");
	if (o->orders_path && !*o->orders_path)
		return status_fail(ST_USAGE, "gen: empty orders file name");
	if (o->orders_path && strcmp(o->students_path, "-") == 0 && strcmp(o->orders_path, "-") == 0)
		return status_fail(ST_USAGE, "gen: students and orders cannot both go to standard output");
	if (o->rows > SYNTH_MAX_ROWS)
		return status_fail(ST_USAGE, "gen: --rows %llu is more than %llu",
				   (unsigned long long)o->rows, (unsigned long long)SYNTH_MAX_ROWS);
	if (!(o->bad_rate >= 0.0 && o->bad_rate <= 1.0))
		return status_fail(ST_USAGE, "gen: bad row rate must be between 0 and 1");
	return ST_OK;
}

status synth_write(const synth_opts *o, outstream *students, outstream *orders)
{
	status st = synth_check(o);
	if (st != ST_OK)
		return st;
	synth *s = mem_calloc(1, sizeof *s);
	if (!s)
		return status_fail(ST_NOMEM, "synth: out of memory");
	s->seed = o->seed;
	rng_seed(&s->r_world, o->seed, 1);
	rng_seed(&s->r_main, o->seed, 2);
	rng_seed(&s->r_bad, o->seed, 3);
	rng_seed(&s->r_orders, o->seed, 4);
	{
		uint64_t x = o->seed ^ UINT64_C(0x5151D5151D5151D5);
		for (int i = 0; i < 4; i++)
			s->feistel_key[i] = splitmix64(&x);
	}
	st = build_world(s, o->rows);
	if (st != ST_OK) {
		synth_free(s);
		return st;
	}

	s->out = students;
	/* bad_rate as a 32-bit threshold: the only floating point, done once. */
	const uint64_t bad_threshold = (uint64_t)(o->bad_rate * 4294967296.0);
	outstream_write(s->out, students_header, sizeof students_header - 1);
	s->cur.next = s->cur.n_rep = 0;
	for (uint64_t row = 0; row < o->rows; row++) {
		if (bad_threshold && (rng_next(&s->r_bad) >> 32) < bad_threshold) {
			emit_bad(s);
			continue;
		}
		if (s->cur.next == s->cur.n_rep)
			student_new(s, &s->r_main, &s->cur, s->n_students++);
		emit_good(s);
	}

	if (orders)
		st = write_orders(s, orders);
	synth_free(s);
	return st;
}

status synth_run(const synth_opts *o)
{
	status st = synth_check(o);
	if (st != ST_OK)
		return st;
	outstream *students = NULL, *orders = NULL;
	st = outstream_open(&students, o->students_path,
			    ends_with(o->students_path, ".zst") ? OUT_ZSTD : 0);
	if (st == ST_OK && o->orders_path)
		st = outstream_open(&orders, o->orders_path, 0);
	if (st == ST_OK)
		st = synth_write(o, students, orders);
	/* Orders first: if they fail the students file can still go. */
	if (st == ST_OK) {
		st = outstream_close(orders);
		orders = NULL;
	}
	if (st == ST_OK) {
		st = outstream_close(students);
		students = NULL;
	}
	outstream_abort(orders);   /* each removed only if this call made it */
	outstream_abort(students);
	return st;
}

const char *synth_name(size_t i)
{
	for (unsigned g = 0; g < N_GROUPS; g++) {
		const name_pool *p = &pools[g];
		if (i < p->n_last)
			return p->last[i];
		i -= p->n_last;
		if (i < p->n_first)
			return p->first[i];
		i -= p->n_first;
		if (p->middle && i < p->n_middle)
			return p->middle[i];
		if (p->middle)
			i -= p->n_middle;
		if (i < surname_extras[g].n_last)
			return surname_extras[g].last[i];
		i -= surname_extras[g].n_last;
	}
	if (i < COUNT(han_first))
		return han_first[i];
	return NULL;
}
