/* File names of the GBA window (ui/gba_paths.h): save-state slots beside
 * the ROM or in a state directory, the title's ROM name, and screenshot
 * names that never overwrite an earlier one. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/gba_paths.h"

START_TEST(test_rom_name)
{
    char buf[64];
    gba_path_rom_name(buf, sizeof buf, "/games/v1.2/zelda.gba");
    ck_assert_str_eq(buf, "zelda");
    gba_path_rom_name(buf, sizeof buf, "noext");
    ck_assert_str_eq(buf, "noext");
    gba_path_rom_name(buf, sizeof buf, "dir/.hidden");
    ck_assert_str_eq(buf, ".hidden");
    gba_path_rom_name(buf, sizeof buf, NULL);
    ck_assert_str_eq(buf, "scion");
}
END_TEST

START_TEST(test_state_slots)
{
    char buf[64];
    ck_assert(gba_path_state_slot(buf, sizeof buf, "/games/v1.2/zelda.gba", NULL, 3));
    ck_assert_str_eq(buf, "/games/v1.2/zelda.ss3");
    ck_assert(gba_path_state_slot(buf, sizeof buf, "/games/v1.2/noext", NULL, 1));
    ck_assert_str_eq(buf, "/games/v1.2/noext.ss1");
    ck_assert(gba_path_state_slot(buf, sizeof buf, "/games/zelda.gba", "/states", 9));
    ck_assert_str_eq(buf, "/states/zelda.ss9");
    ck_assert(gba_path_state_slot(buf, sizeof buf, NULL, NULL, 2));
    ck_assert_str_eq(buf, "scion.ss2");
    ck_assert(!gba_path_state_slot(buf, 10, "/games/zelda.gba", NULL, 1));
}
END_TEST

START_TEST(test_screenshot_names)
{
    char dir[] = "/tmp/scion-paths-XXXXXX";
    ck_assert(mkdtemp(dir) != NULL);
    char rom[128], buf[256], want[256];
    snprintf(rom, sizeof rom, "%s/game.gba", dir);
    struct tm when = {.tm_year = 124, .tm_mon = 0, .tm_mday = 31, .tm_hour = 23, .tm_min = 59, .tm_sec = 58};
    ck_assert(gba_path_screenshot(buf, sizeof buf, rom, &when));
    snprintf(want, sizeof want, "%s/game-20240131-235958.png", dir);
    ck_assert_str_eq(buf, want);
    FILE *f = fopen(buf, "w");
    fclose(f);
    ck_assert(gba_path_screenshot(buf, sizeof buf, rom, &when));
    snprintf(want, sizeof want, "%s/game-20240131-235958-2.png", dir);
    ck_assert_str_eq(buf, want);
    snprintf(want, sizeof want, "%s/game-20240131-235958.png", dir);
    unlink(want);
    rmdir(dir);
    ck_assert(!gba_path_screenshot(buf, 16, rom, &when));
}
END_TEST

static Suite *paths_suite(void)
{
    Suite *s = suite_create("gba_paths");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_rom_name);
    tcase_add_test(tc, test_state_slots);
    tcase_add_test(tc, test_screenshot_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(paths_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
