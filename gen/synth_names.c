/*
 * synth_names.c: the generator's name tables, and how a student's and a
 * guardian's names are drawn from them.
 *
 *   synth_names_draw(r, lang_group, st, &d)   last, first, middle name
 *   ... (synth_people.c: languages, paper flag)
 *   synth_names_guardian(r, &d, st)           guardian_name, if any
 *   synth_name(i)                             every name, for the tests
 *
 * Names come in groups that follow the home language (synth_people.c maps
 * the one to the other): Hispanic, Vietnamese, Chinese, Korean, Filipino,
 * Arabic, Anglo and a dozen more.  English-only students carry California's
 * mix of groups.  Each pool lists its common names first, and draws lean
 * to the front (rng_skew).  On top of that come what makes sorting names
 * hard (docs/rules.md §9): accents, particles ("de la Torre"), apostrophes,
 * hyphens and spaces, letters with no decomposition (Đ, Ø, Æ, Ł) and Han
 * and Hangul script, each at a set share, and now and then the odd casing
 * of a careless data entry.  A required name is never blank here (the
 * blank ones are malformed rows, synth_bad.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "synth.h"
#include "synth_internal.h"

/* Name pools.  Pools list the common names first (rng_skew).  All valid
 * UTF-8, no commas, quotes or line breaks. */
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

/* The name group of a student whose home language has group lang_group. */
static unsigned name_group(rng *r, unsigned lang_group)
{
	switch (lang_group) {
	case NG_ENGLISH_MIX:
		return english_group[pick_cum(r, english_group_cum, COUNT(english_group))];
	case NG_ANY:
		return rng_below(r, N_GROUPS);
	case NG_HISPANIC:
		/* a few Spanish speakers carry names from elsewhere */
		return rng_chance(r, 300) ? NG_ANGLO : NG_HISPANIC;
	default:
		return lang_group;
	}
}

void synth_names_draw(rng *r, unsigned lang_group, student *st, name_draw *d)
{
	const unsigned grp = name_group(r, lang_group);
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
	if (grp == NG_HISPANIC && rng_chance(r, 700)) {
		sbuf b = { d->compound, 0, sizeof d->compound - 1 };
		sb_str(&b, base_last);
		sb_str(&b, rng_chance(r, 7000) ? " " : "-");
		sb_str(&b, p->last[rng_skew(r, p->n_last)]);
		d->compound[b.n] = '\0';
		base_last = d->compound;
	}
	const uint32_t odd = rng_below(r, 10000);
	const int how = odd < 30 ? 1 : odd < 50 ? 2 : 0;
	st->f[C_LAST] = text_variant(st->last, sizeof st->last, base_last, how, odd >= 50 && odd < 60);

	/* First name: a few students of English-speaking families carry a
	 * name from another group. */
	const name_pool *pf = (lang_group == NG_ENGLISH_MIX && rng_chance(r, 800)) ?
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

	d->group = grp;
	d->han = han;
	d->last = base_last;
}

void synth_names_guardian(rng *r, const name_draw *d, student *st)
{
	const name_pool *p = &pools[d->group];
	sbuf b = { st->guardian, 0, sizeof st->guardian };
	if (d->han) {  /* written as in Chinese: surname, then given name */
		sb_str(&b, d->last);
		sb_str(&b, han_first[rng_below(r, COUNT(han_first))]);
	} else {
		sb_str(&b, p->first[rng_below(r, p->n_first)]);
		sb_str(&b, " ");
		sb_str(&b, rng_chance(r, 8000) ? d->last : p->last[rng_skew(r, p->n_last)]);
	}
	st->f[C_GUARDIAN] = (span){ st->guardian, b.n };
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
