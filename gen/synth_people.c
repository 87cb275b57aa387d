/*
 * synth_people.c: the person behind a generated student: home language,
 * names, SSR language override, paper flag and mailing block.
 *
 *   synth_people_init(s)                  once: the languages' shares
 *   lang = synth_people_lang(s, r)        per student (synth_rows.c), then
 *   synth_people_english(s, lang)         whether it may take the ELPAC
 *   synth_people_fill(s, r, st)           once its grade and school are set
 *
 * Home languages are CALPADS codes at California's shares of students;
 * each brings a name group (synth_names.c) and the SSR language it maps to
 * (docs/rules.md §7).  The columns filled here are those of docs/rules.md
 * §3.1 from primary_language on, plus the three names: ssr_language is an
 * override for 1% of students, paper_ssr is Y for 2%, N for 30%, else
 * blank, and 3% of students have no mailing block at all.
 */
#include <assert.h>
#include <stdint.h>

#include "synth_internal.h"

/* SSR languages, the override values of ssr_language. */
enum { L_EN, L_ES, L_VI, L_ZH, L_FIL, L_KO, N_SSR_LANGS };
static const char *const ssr_lang_text[N_SSR_LANGS] = {
	"EN", "ES", "VI", "ZH", "FIL", "KO",
};

/* CALPADS home languages: code, share per 10,000 students, name group and
 * the SSR language it maps to (docs/rules.md §3.1, §7).  Every ELPAC row is
 * an English learner's, so the shares of rows lean further to non-English
 * than these shares of students: the file ends up near 57% English or
 * blank, 33% Spanish, 2% blank. */
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
_Static_assert(COUNT(home_langs) == SYNTH_N_HOME_LANGS, "SYNTH_N_HOME_LANGS counts home_langs[]");

void synth_people_init(synth *s)
{
	assert(home_langs[LANG_SPANISH].code[0] == '0' && home_langs[LANG_SPANISH].code[1] == '1');
	uint32_t c = 0;
	for (unsigned i = 0; i < SYNTH_N_HOME_LANGS; i++) {
		const char *code = home_langs[i].code;
		s->lang_cum[i] = (uint16_t)(c += home_langs[i].per_10k);
		if (code[0] == '\0' || (code[0] == '0' && code[1] == '0'))
			s->lang_english |= UINT32_C(1) << i;
	}
	assert(c == 10000);
}

void synth_people_fill(const synth *s, rng *r, student *st)
{
	const home_lang *hl = &home_langs[st->lang];
	name_draw d;
	synth_names_draw(r, hl->group, st, &d);

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
	synth_names_guardian(r, &d, st);
	synth_places_address(s, r, st);
}
