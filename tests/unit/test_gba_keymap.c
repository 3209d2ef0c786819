/* The GBA window's key mapping (ui/gba_keymap.h): the defaults, the config
 * file's syntax in both SDL's and the C enum's spellings, one warning per
 * bad line with the rest still applied, and reading held keys. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/gba_map.h"
#include "ui/gba_keymap.h"

static int idx(unsigned key)
{
    return __builtin_ctz(key);
}

/* Parse text over the defaults; the warnings land in *warnings. */
static int parse(GbaKeymap *m, const char *text, char **warnings)
{
    size_t len;
    FILE *f = open_memstream(warnings, &len);
    gba_keymap_defaults(m);
    int bad = gba_keymap_parse(m, text, "keys.conf", f);
    fclose(f);
    return bad;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

START_TEST(test_defaults)
{
    GbaKeymap m;
    gba_keymap_defaults(&m);
    ck_assert_int_eq(m.keys[idx(GBA_KEY_A)], SDL_SCANCODE_X);
    ck_assert_int_eq(m.keys[idx(GBA_KEY_B)], SDL_SCANCODE_Z);
    ck_assert_int_eq(m.keys[idx(GBA_KEY_L)], SDL_SCANCODE_A);
    ck_assert_int_eq(m.keys[idx(GBA_KEY_R)], SDL_SCANCODE_S);
    ck_assert_int_eq(m.keys[idx(GBA_KEY_START)], SDL_SCANCODE_RETURN);
    ck_assert_int_eq(m.keys[idx(GBA_KEY_SELECT)], SDL_SCANCODE_BACKSPACE);
    ck_assert_int_eq(m.keys[idx(GBA_KEY_UP)], SDL_SCANCODE_UP);
    ck_assert_int_eq(m.buttons[idx(GBA_KEY_L)], SDL_CONTROLLER_BUTTON_LEFTSHOULDER);
    ck_assert_int_eq(m.buttons[idx(GBA_KEY_SELECT)], SDL_CONTROLLER_BUTTON_BACK);
}
END_TEST

START_TEST(test_good_lines)
{
    GbaKeymap m;
    char *warn;
    const char *text = "# my keys\n"
                       "key A = K\n"
                       "  key b=SDL_SCANCODE_J   # trailing comment\n"
                       "key START = Space\n"
                       "key SELECT = LEFT_SHIFT\n"
                       "\n"
                       "button A = b\n"
                       "button L = SDL_CONTROLLER_BUTTON_X\n"
                       "button UP = SDL_CONTROLLER_BUTTON_DPAD_UP\n"
                       "button R = rightshoulder";
    ck_assert_int_eq(parse(&m, text, &warn), 0);
    ck_assert_str_eq(warn, "");
    ck_assert_int_eq(m.keys[idx(GBA_KEY_A)], SDL_SCANCODE_K);
    ck_assert_int_eq(m.keys[idx(GBA_KEY_B)], SDL_SCANCODE_J);
    ck_assert_int_eq(m.keys[idx(GBA_KEY_START)], SDL_SCANCODE_SPACE);
    ck_assert_int_eq(m.keys[idx(GBA_KEY_SELECT)], SDL_SCANCODE_LSHIFT);
    ck_assert_int_eq(m.keys[idx(GBA_KEY_L)], SDL_SCANCODE_A); /* untouched */
    ck_assert_int_eq(m.buttons[idx(GBA_KEY_A)], SDL_CONTROLLER_BUTTON_B);
    ck_assert_int_eq(m.buttons[idx(GBA_KEY_L)], SDL_CONTROLLER_BUTTON_X);
    ck_assert_int_eq(m.buttons[idx(GBA_KEY_UP)], SDL_CONTROLLER_BUTTON_DPAD_UP);
    ck_assert_int_eq(m.buttons[idx(GBA_KEY_R)], SDL_CONTROLLER_BUTTON_RIGHTSHOULDER);
    free(warn);
}
END_TEST

START_TEST(test_bad_lines_warn_once_each)
{
    GbaKeymap m;
    char *warn;
    const char *text = "key A = NoSuchKey\n"
                       "key FIRE = X\n"
                       "pedal A = X\n"
                       "just some words\n"
                       "button B = kazoo\n"
                       "key B = Q\n";
    ck_assert_int_eq(parse(&m, text, &warn), 5);
    ck_assert_int_eq(count_lines(warn), 5);
    ck_assert(strstr(warn, "keys.conf:1:") && strstr(warn, "NoSuchKey"));
    ck_assert(strstr(warn, "keys.conf:2:") && strstr(warn, "FIRE"));
    ck_assert(strstr(warn, "keys.conf:3:") && strstr(warn, "pedal"));
    ck_assert(strstr(warn, "keys.conf:4:"));
    ck_assert(strstr(warn, "keys.conf:5:") && strstr(warn, "kazoo"));
    ck_assert_int_eq(m.keys[idx(GBA_KEY_A)], SDL_SCANCODE_X); /* bad line left the default */
    ck_assert_int_eq(m.keys[idx(GBA_KEY_B)], SDL_SCANCODE_Q); /* good line after bad ones applied */
    free(warn);
}
END_TEST

START_TEST(test_missing_file_warns)
{
    GbaKeymap m;
    char *warn;
    size_t len;
    FILE *f = open_memstream(&warn, &len);
    gba_keymap_defaults(&m);
    ck_assert(!gba_keymap_load(&m, "/nonexistent/gba-keys.conf", f));
    fclose(f);
    ck_assert(strstr(warn, "/nonexistent/gba-keys.conf") != NULL);
    ck_assert_int_eq(m.keys[idx(GBA_KEY_A)], SDL_SCANCODE_X);
    free(warn);
}
END_TEST

START_TEST(test_keyboard_state)
{
    GbaKeymap m;
    gba_keymap_defaults(&m);
    uint8_t kb[SDL_NUM_SCANCODES] = {0};
    ck_assert_uint_eq(gba_keymap_keyboard(&m, kb, SDL_NUM_SCANCODES), 0);
    kb[SDL_SCANCODE_X] = 1;
    kb[SDL_SCANCODE_LEFT] = 1;
    kb[SDL_SCANCODE_S] = 1;
    kb[SDL_SCANCODE_Q] = 1; /* not mapped */
    ck_assert_uint_eq(gba_keymap_keyboard(&m, kb, SDL_NUM_SCANCODES), GBA_KEY_A | GBA_KEY_LEFT | GBA_KEY_R);
    /* A keyboard state shorter than a mapped scancode reads as released. */
    ck_assert_uint_eq(gba_keymap_keyboard(&m, kb, SDL_SCANCODE_X), GBA_KEY_R);
}
END_TEST

START_TEST(test_default_path)
{
    char buf[256];
    setenv("XDG_CONFIG_HOME", "/cfg", 1);
    ck_assert(gba_keymap_default_path(buf, sizeof buf));
    ck_assert_str_eq(buf, "/cfg/scion/gba-keys.conf");
    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", "/home/u", 1);
    ck_assert(gba_keymap_default_path(buf, sizeof buf));
    ck_assert_str_eq(buf, "/home/u/.config/scion/gba-keys.conf");
    ck_assert(!gba_keymap_default_path(buf, 8));
}
END_TEST

static Suite *keymap_suite(void)
{
    Suite *s = suite_create("gba_keymap");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_good_lines);
    tcase_add_test(tc, test_bad_lines_warn_once_each);
    tcase_add_test(tc, test_missing_file_warns);
    tcase_add_test(tc, test_keyboard_state);
    tcase_add_test(tc, test_default_path);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(keymap_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
