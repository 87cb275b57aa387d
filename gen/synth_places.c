/*
 * synth_places.c: the map the generator draws on: California cities with
 * their county and zip code, the county names, street names, and a
 * student's mailing address in or near its LEA's city.
 *
 *   synth_places_index("Fresno")          a city's place number (big LEAs)
 *   synth_places_init(s)                  once: the places of each county
 *   synth_places_address(s, r, st)        per student with a mailing block
 *
 * An address is a street line (house number, sometimes a direction, a
 * street and its suffix; a PO box for 2%), an apartment or unit for 22%,
 * and a city: the LEA's own for 85%, another of its county for 10%,
 * anywhere for 5%.  Zip codes spread over 60 from a big city's first zip,
 * 6 from a small one's, never past 96162, the last California zip.  These
 * fill the mailing block of docs/rules.md §3.1.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "../base/mem.h"
#include "synth_internal.h"

/* Places: California cities with their county code and a zip code.  The
 * first ones are the big cities, whose zips spread wider. */
const place synth_places[] = {
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
_Static_assert(COUNT(synth_places) == SYNTH_N_PLACES, "SYNTH_N_PLACES counts synth_places[]");
#define N_BIG_CITIES 30  /* synth_places[0..29] spread over many zip codes */

const char *const synth_county_names[SYNTH_N_COUNTIES] = {
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

/* Streets, the common ones first (rng_skew); school names use them too
 * (synth_world.c). */
const char *const synth_streets[] = {
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
_Static_assert(COUNT(synth_streets) == SYNTH_N_STREETS, "SYNTH_N_STREETS counts synth_streets[]");

static const char *const street_suffix[] = {
	" St", " Ave", " Blvd", " Dr", " Ct", " Ln", " Way", " Rd", " Pl",
	" Cir", " Ter",
};
static const char *const street_dir[] = { "N ", "S ", "E ", "W " };

uint32_t synth_places_index(const char *city)
{
	for (uint32_t i = 0; i < SYNTH_N_PLACES; i++)
		if (strcmp(synth_places[i].city, city) == 0)
			return i;
	assert(!"big LEA city missing from synth_places[]");
	return 0;
}

status synth_places_init(synth *s)
{
	for (uint32_t i = 0; i < SYNTH_N_PLACES; i++)
		s->county_n[synth_places[i].county]++;
	for (unsigned k = 1; k < SYNTH_N_COUNTIES; k++) {
		if (!s->county_n[k])
			continue;
		s->county_places[k] = mem_alloc(s->county_n[k] * sizeof(uint32_t));
		if (!s->county_places[k])
			return status_fail(ST_NOMEM, "synth: out of memory");
		s->county_n[k] = 0;
	}
	for (uint32_t i = 0; i < SYNTH_N_PLACES; i++) {
		const unsigned k = synth_places[i].county;
		s->county_places[k][s->county_n[k]++] = i;
	}
	return ST_OK;
}

void synth_places_address(const synth *s, rng *r, student *st)
{
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
			sb_str(&b, synth_streets[rng_skew(r, COUNT(synth_streets))]);
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
		pl = rng_below(r, SYNTH_N_PLACES);
	} else if (where >= 85) {
		const unsigned k = synth_places[pl].county;
		pl = s->county_places[k][rng_below(r, s->county_n[k])];
	}
	st->f[C_CITY] = span_str(synth_places[pl].city);
	st->f[C_STATE] = (span){ "CA", 2 };
	uint32_t zip = synth_places[pl].zip + rng_below(r, pl < N_BIG_CITIES ? 60 : 6);
	if (zip > 96162)
		zip = 96162;
	put_digits(st->zip, zip, 5);
	st->f[C_ZIP] = (span){ st->zip, 5 };
}
