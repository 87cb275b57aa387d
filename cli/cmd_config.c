/*
 * cmd_config.c: `ssrfill config [--config F]` — print the effective
 * configuration (the built-in defaults with F on top) as an INI file that
 * --config reads back.
 */
#include <stddef.h>

#include "../engine/config.h"
#include "../readers/config_ini.h"
#include "../io/outstream.h"
#include "cli.h"

int cmd_config(int argc, char **argv)
{
	const char *path = NULL;
	int c;
	cli_parser p;
	cli_parser_init(&p, "config", argc, argv);
	while ((c = cli_next(&p)) > 0) {
		switch (c) {
		case OPT_CONFIG: path = p.arg; break;
		}
	}
	if (c < 0 || cli_parser_finish(&p) != ST_OK)
		return p.st;
	config cfg;
	config_defaults(&cfg);
	status st = path ? config_load(&cfg, path) : ST_OK;
	if (st == ST_OK)
		st = config_check(&cfg, path ? path : "the built-in configuration");
	if (st != ST_OK)
		return st;
	outstream *o;
	if ((st = outstream_open(&o, "-", 0)) != ST_OK)
		return st;
	config_write_ini(&cfg, o);
	return outstream_close(o);
}
