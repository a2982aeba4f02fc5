/**
 * The bevoegd gezag (school board, DUO number) the tests' schools belong to, unless a test is about
 * boards. One board for all, so a board auditor of it sees every test school.
 */
export const TEST_BOARD = '10001';
/** A second board, for tests that need a school outside TEST_BOARD. */
export const OTHER_TEST_BOARD = '10002';
