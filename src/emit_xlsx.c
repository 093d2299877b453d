/* emit_xlsx.c — the reviewers' workbook (libxlsxwriter does the XML escaping
 * and the zip).  Four sheets, each with a bold frozen header row, an
 * autofilter over all its rows, fixed widths and wrapped text:
 *   Nhiệm vụ   one row per task
 *   Chỉ tiêu   one row per indicator
 *   Cảnh báo   one row per diagnostic (a failed document: its errors)
 *   Văn bản    one row per document, with its status
 * A row is built in memory (one cell per column), given a height that fits
 * its wrapped text, then written.  Rows go strictly top to bottom per sheet,
 * as constant-memory mode requires; documents appear in the order
 * cd_xlsx_add is called. */
#include "emit_xlsx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/uchar.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* Excel refuses a cell longer than 32,767 characters (libxlsxwriter rejects
 * the write).  Counted in UTF-16 units, as Excel counts, so a text full of
 * astral characters still fits. */
#define CELL_MAX_UNITS 32767
/* Ends a cell cut at CELL_MAX_UNITS, so a reviewer knows the text goes on
 * (in the JSON record). */
#define TRUNCATION_MARK " … [đã cắt bớt]"
#define TRUNCATION_MARK_UNITS 16 /* room kept for the mark (15 BMP characters) */

#define DATE_FORMAT "dd/mm/yyyy"
#define SECTION_SEPARATOR " › "
#define LINE_RANGE_DASH "–" /* en dash: "121–124" */

/* Row heights, in points.  Neither LibreOffice nor every Excel fits a row to
 * wrapped text when it opens a file, so each row gets a height for its
 * estimated number of lines: 15 pt a line of the default 11 pt font, capped
 * at Excel's maximum row height. */
#define LINE_HEIGHT 15.0
#define ROW_HEIGHT_MAX 409.0

#define MAX_COLUMNS 16 /* the widest sheet, Nhiệm vụ */

typedef struct column {
    const char *header;
    double width; /* in Excel's character units (the width of a digit) */
} column;

enum {
    TASK_FILE,
    TASK_DOC_NUMBER,
    TASK_SECTION,
    TASK_NUMBER,
    TASK_TEXT,
    TASK_LEAD,
    TASK_SUPPORT,
    TASK_DIRECTION,
    TASK_DEADLINE,
    TASK_DEADLINE_KIND,
    TASK_START,
    TASK_END,
    TASK_OUTPUT,
    TASK_ASSIGNED_BY,
    TASK_NOTE,
    TASK_LINES,
};
static const column task_columns[] = {
    [TASK_FILE] = {"Tệp nguồn", 28},
    [TASK_DOC_NUMBER] = {"Số văn bản", 12},
    [TASK_SECTION] = {"Mục", 24},
    [TASK_NUMBER] = {"STT", 5},
    [TASK_TEXT] = {"Nội dung nhiệm vụ", 60},
    [TASK_LEAD] = {"Chủ trì", 26},
    [TASK_SUPPORT] = {"Phối hợp", 26},
    [TASK_DIRECTION] = {"Chỉ đạo", 20},
    [TASK_DEADLINE] = {"Thời hạn", 16},
    [TASK_DEADLINE_KIND] = {"Loại thời hạn", 12},
    [TASK_START] = {"Từ ngày", 11},
    [TASK_END] = {"Đến ngày", 11},
    [TASK_OUTPUT] = {"Kết quả/sản phẩm", 24},
    [TASK_ASSIGNED_BY] = {"Văn bản giao", 20},
    [TASK_NOTE] = {"Ghi chú", 20},
    [TASK_LINES] = {"Dòng", 9},
};

enum { IND_FILE, IND_DOC_NUMBER, IND_SECTION, IND_NUMBER, IND_NAME, IND_UNIT, IND_TARGET, IND_LEAD, IND_LINES };
static const column indicator_columns[] = {
    [IND_FILE] = {"Tệp nguồn", 28},  [IND_DOC_NUMBER] = {"Số văn bản", 12}, [IND_SECTION] = {"Mục", 24},
    [IND_NUMBER] = {"STT", 5},       [IND_NAME] = {"Chỉ tiêu", 60},         [IND_UNIT] = {"Đơn vị", 12},
    [IND_TARGET] = {"Mục tiêu", 30}, [IND_LEAD] = {"Chủ trì", 26},          [IND_LINES] = {"Dòng", 9},
};

enum { DIAG_FILE, DIAG_SEVERITY, DIAG_CODE, DIAG_ISSUE, DIAG_MESSAGE, DIAG_LINE };
static const column diag_columns[] = {
    [DIAG_FILE] = {"Tệp nguồn", 28}, [DIAG_SEVERITY] = {"Mức độ", 10},  [DIAG_CODE] = {"Mã", 22},
    [DIAG_ISSUE] = {"Vấn đề", 30},   [DIAG_MESSAGE] = {"Nội dung", 80}, [DIAG_LINE] = {"Dòng", 7},
};

enum {
    DOC_FILE,
    DOC_KIND,
    DOC_NUMBER,
    DOC_DATE,
    DOC_ISSUER,
    DOC_TITLE,
    DOC_YEAR,
    DOC_SIGNER,
    DOC_SIGNER_TITLE,
    DOC_TASKS,
    DOC_INDICATORS,
    DOC_DIAGS,
    DOC_STATUS,
};
static const column document_columns[] = {
    [DOC_FILE] = {"Tệp nguồn", 28},
    [DOC_KIND] = {"Loại văn bản", 13},
    [DOC_NUMBER] = {"Số văn bản", 12},
    [DOC_DATE] = {"Ngày ban hành", 14},
    [DOC_ISSUER] = {"Cơ quan ban hành", 30},
    [DOC_TITLE] = {"Trích yếu", 50},
    [DOC_YEAR] = {"Năm", 6},
    [DOC_SIGNER] = {"Người ký", 18},
    [DOC_SIGNER_TITLE] = {"Chức vụ người ký", 24},
    [DOC_TASKS] = {"Số nhiệm vụ", 12},
    [DOC_INDICATORS] = {"Số chỉ tiêu", 11},
    [DOC_DIAGS] = {"Số cảnh báo", 12},
    [DOC_STATUS] = {"Trạng thái", 30},
};

#define N_COLUMNS(a) ((lxw_col_t)(sizeof(a) / sizeof(a)[0]))
_Static_assert(sizeof task_columns / sizeof task_columns[0] <= MAX_COLUMNS, "a row holds every column");
_Static_assert(sizeof indicator_columns / sizeof indicator_columns[0] <= MAX_COLUMNS, "a row holds every column");
_Static_assert(sizeof diag_columns / sizeof diag_columns[0] <= MAX_COLUMNS, "a row holds every column");
_Static_assert(sizeof document_columns / sizeof document_columns[0] <= MAX_COLUMNS, "a row holds every column");

typedef struct sheet {
    lxw_worksheet *ws;
    const column *columns;
    lxw_col_t n_columns;
    lxw_row_t next_row; /* row 0 is the header */
} sheet;

/* One cell's text being cleaned: valid UTF-8, no control characters, at
 * most CELL_MAX_UNITS long. */
typedef struct cell_text {
    char *data;
    size_t len, cap;
    size_t units;   /* UTF-16 units so far */
    bool truncated; /* the budget ran out: the rest is dropped */
} cell_text;

typedef enum { CELL_EMPTY, CELL_TEXT, CELL_NUMBER, CELL_DATE } cell_kind;

typedef struct cell {
    cell_kind kind;
    cell_text text; /* buffer reused row after row (libxlsxwriter copies) */
    double number;
    lxw_datetime date;
    lxw_format *format;
} cell;

struct cd_xlsx {
    lxw_workbook *wb;
    sheet tasks, indicators, diags, documents;
    lxw_format *header, *text, *date, *number, *error;
    char *tmpdir;          /* must outlive the workbook */
    bool own_tmpdir;       /* tmpdir was made for this workbook: removed with it */
    lxw_error err;         /* the first libxlsxwriter failure; later writes are skipped */
    cell row[MAX_COLUMNS]; /* the row being built */
};

/* ---- cell text ---- */

static void text_reserve(cell_text *c, size_t extra) {
    if (c->len + extra + 1 <= c->cap) return;
    size_t cap = c->cap ? c->cap : 256;
    while (cap < c->len + extra + 1)
        cap *= 2;
    char *p = realloc(c->data, cap);
    if (!p) abort(); /* the project's out-of-memory policy (arena.h) */
    c->data = p;
    c->cap = cap;
}

static void text_reset(cell_text *c) {
    text_reserve(c, 0);
    c->len = c->units = 0;
    c->truncated = false;
    c->data[0] = '\0';
}

static void text_append(cell_text *c, const char *s, size_t n, size_t units) {
    text_reserve(c, n);
    memcpy(c->data + c->len, s, n);
    c->len += n;
    c->units += units;
    c->data[c->len] = '\0';
}

/* Append within the budget; past it, mark the text truncated instead. */
static void text_put(cell_text *c, const char *s, size_t n, size_t units) {
    if (c->truncated) return;
    if (c->units + units > CELL_MAX_UNITS - TRUNCATION_MARK_UNITS) {
        c->truncated = true;
        return;
    }
    text_append(c, s, n, units);
}

/* Decode one UTF-8 sequence at s (n bytes left).  Returns its length, or 0
 * when it is not well-formed (overlong, surrogate, beyond U+10FFFF, cut). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp) {
    size_t len;
    uint32_t min;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if ((s[0] & 0xE0) == 0xC0) {
        len = 2, min = 0x80, *cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3, min = 0x800, *cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4, min = 0x10000, *cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
    return len;
}

/* Append s cleaned for a cell: invalid bytes become U+FFFD; a line break
 * stays one when multiline (else a space); a tab becomes a space; other C0
 * and C1 controls, DEL and the non-characters XML forbids are dropped. */
static void text_add(cell_text *c, const char *s, bool multiline) {
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n && !c->truncated;) {
        uint32_t cp;
        size_t len = utf8_decode(p + i, n - i, &cp);
        if (!len) {
            text_put(c, "\xEF\xBF\xBD", 3, 1);
            i++;
            continue;
        }
        if (cp == '\r' && i + 1 < n && p[i + 1] == '\n') {
            i++; /* CR LF is one line break */
            continue;
        }
        if (cp == '\n' || cp == '\r')
            text_put(c, multiline ? "\n" : " ", 1, 1);
        else if (cp == '\t')
            text_put(c, " ", 1, 1);
        else if (!(cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF))
            text_put(c, (const char *)p + i, len, cp >= 0x10000 ? 2 : 1);
        i += len;
    }
}

static void text_finish(cell_text *c) {
    if (!c->truncated) return;
    text_append(c, TRUNCATION_MARK, strlen(TRUNCATION_MARK), TRUNCATION_MARK_UNITS);
    c->truncated = false;
}

/* ---- row height ---- */

/* Approximate width of one character of the default font (Calibri 11) in
 * Excel's units, where a digit is 1: spaces are narrow, small letters a
 * little narrower than digits, capitals wider. */
static double char_width(uint32_t cp) {
    if (cp == ' ') return 0.45;
    if (u_isupper((UChar32)cp)) return 1.2;
    if (cp >= '0' && cp <= '9') return 1.0;
    return 0.88;
}

/* Lines that text takes in a wrapped cell width units wide: a greedy word
 * wrap of each paragraph, erring on the generous side so that text is never
 * clipped (a little blank space is the lesser harm). */
static int wrapped_lines(const char *text, double width) {
    /* less the cell padding, and 5% spare for words the estimate places too easily */
    const double line_width = (width - 1.0) * 0.95;
    const unsigned char *p = (const unsigned char *)text;
    size_t n = strlen(text);
    int lines = 1;
    double used = 0, word = 0;
    for (size_t i = 0; i <= n;) {
        uint32_t cp = 0;
        size_t len = i < n ? utf8_decode(p + i, n - i, &cp) : 1;
        if (!len) len = 1;
        if (i == n || cp == ' ' || cp == '\n') {
            /* place the word just finished */
            if (used > 0 && used + word > line_width) {
                lines++;
                used = 0;
            }
            while (word > line_width) { /* a word longer than a line breaks */
                lines++;
                word -= line_width;
            }
            used += word + (cp == ' ' ? char_width(' ') : 0);
            word = 0;
            if (cp == '\n') {
                lines++;
                used = 0;
            }
        } else {
            word += char_width(cp);
        }
        i += len;
    }
    return lines;
}

/* ---- building a row ---- */

static void note_error(cd_xlsx *x, lxw_error e) {
    if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR) x->err = e;
}

static void row_begin(cd_xlsx *x) {
    for (size_t c = 0; c < MAX_COLUMNS; c++) {
        x->row[c].kind = CELL_EMPTY;
        text_reset(&x->row[c].text);
    }
}

/* Start a text cell in column col; fill it with text_add. */
static cell_text *cell_start(cd_xlsx *x, lxw_col_t col, lxw_format *format) {
    x->row[col].kind = CELL_TEXT;
    x->row[col].format = format;
    return &x->row[col].text;
}

static void set_text(cd_xlsx *x, lxw_col_t col, const char *s, lxw_format *format) {
    if (s) text_add(cell_start(x, col, format), s, true);
}

/* Strings joined by sep (" › " for a section path). */
static void set_joined(cd_xlsx *x, lxw_col_t col, const cd_strs *l, const char *sep) {
    cell_text *t = cell_start(x, col, x->text);
    for (size_t i = 0; i < l->n; i++) {
        if (i) text_add(t, sep, true);
        text_add(t, l->items[i], false);
    }
}

/* The canonical names of an agency list, one per line. */
static void set_agencies(cd_xlsx *x, lxw_col_t col, const cd_agency_list *l) {
    cell_text *t = cell_start(x, col, x->text);
    for (size_t i = 0; i < l->n; i++) {
        if (i) text_add(t, "\n", true);
        text_add(t, l->items[i].name, false);
    }
}

static void set_number(cd_xlsx *x, lxw_col_t col, double value) {
    x->row[col].kind = CELL_NUMBER;
    x->row[col].number = value;
    x->row[col].format = x->number;
}

/* A real Excel date (a serial number shown dd/mm/yyyy); blank when null. */
static void set_date(cd_xlsx *x, lxw_col_t col, cd_date d) {
    if (!d.y || !cd_date_valid(d.y, d.m, d.d)) return;
    x->row[col].kind = CELL_DATE;
    x->row[col].date = (lxw_datetime){.year = d.y, .month = d.m, .day = d.d};
    x->row[col].format = x->date;
}

/* "121–124", or "121" for a record on one line. */
static void set_lines(cd_xlsx *x, lxw_col_t col, int first, int last) {
    char buf[48];
    if (first == last)
        snprintf(buf, sizeof buf, "%d", first);
    else
        snprintf(buf, sizeof buf, "%d" LINE_RANGE_DASH "%d", first, last);
    set_text(x, col, buf, x->number);
}

/* Give the row the height of its tallest wrapped cell, write its cells and
 * move the sheet to the next row. */
static void row_end(cd_xlsx *x, sheet *sh) {
    int lines = 1;
    for (lxw_col_t c = 0; c < sh->n_columns; c++) {
        cell *cl = &x->row[c];
        if (cl->kind != CELL_TEXT) continue;
        text_finish(&cl->text);
        int n = wrapped_lines(cl->text.data, sh->columns[c].width);
        if (n > lines) lines = n;
    }
    lxw_row_t r = sh->next_row++;
    if (x->err) return;
    if (lines > 1) {
        double height = lines * LINE_HEIGHT;
        note_error(x, worksheet_set_row(sh->ws, r, height < ROW_HEIGHT_MAX ? height : ROW_HEIGHT_MAX, NULL));
    }
    for (lxw_col_t c = 0; c < sh->n_columns && !x->err; c++) {
        cell *cl = &x->row[c];
        switch (cl->kind) {
        case CELL_TEXT:
            if (cl->text.len) note_error(x, worksheet_write_string(sh->ws, r, c, cl->text.data, cl->format));
            break;
        case CELL_NUMBER:
            note_error(x, worksheet_write_number(sh->ws, r, c, cl->number, cl->format));
            break;
        case CELL_DATE:
            note_error(x, worksheet_write_datetime(sh->ws, r, c, &cl->date, cl->format));
            break;
        case CELL_EMPTY:
            break;
        }
    }
}

/* ---- labels ---- */

static const char *deadline_kind_label(const cd_deadline *d) {
    switch (d->kind) {
    case CD_DL_DATE:
        return "ngày";
    case CD_DL_MONTH:
        return "tháng";
    case CD_DL_QUARTER:
        return "quý";
    case CD_DL_HALF:
        return "6 tháng";
    case CD_DL_YEAR:
        return "năm";
    case CD_DL_RANGE:
        return "khoảng thời gian";
    case CD_DL_ONGOING:
        return "thường xuyên";
    case CD_DL_RECURRING:
        if (d->recurrence && !strcmp(d->recurrence, "yearly")) return "hằng năm";
        if (d->recurrence && !strcmp(d->recurrence, "quarterly")) return "hằng quý";
        if (d->recurrence && !strcmp(d->recurrence, "monthly")) return "hằng tháng";
        return "định kỳ";
    case CD_DL_EVENT:
        return "theo sự kiện";
    case CD_DL_UNKNOWN:
        break;
    }
    return "chưa rõ";
}

static const char *severity_label(cd_severity s) {
    return s == CD_SEV_ERROR ? "lỗi" : s == CD_SEV_WARNING ? "cảnh báo" : "thông tin";
}

/* What a diagnostic code means, in the reviewers' language: the message
 * beside it is the contract's (English, with the particulars).  NULL for a
 * code without a label here (the code column still shows it). */
static const char *diagnostic_label(const char *code) {
    static const char *const labels[][2] = {
        {"missing-lead", "Nhiệm vụ chưa có đơn vị chủ trì"},
        {"missing-deadline", "Nhiệm vụ chưa có thời hạn"},
        {"deadline-unparsed", "Không đọc được thời hạn"},
        {"deadline-outside-year", "Thời hạn ngoài năm của văn bản"},
        {"numbering-gap", "Đánh số bị thiếu mục"},
        {"numbering-duplicate", "Đánh số bị trùng"},
        {"blank-number", "Số văn bản để trống"},
        {"blank-date", "Ngày ban hành để trống hoặc sai"},
        {"date-mismatch", "Ngày ban hành không khớp với dòng kèm theo"},
        {"metadata-from-caption", "Thông tin văn bản lấy từ dòng kèm theo"},
        {"ocr-repair", "Đã sửa chữ nhận dạng sai (OCR)"},
        {"encoding-repaired", "Đã thay các byte sai mã UTF-8"},
        {"unknown-agency", "Cơ quan không có trong danh mục"},
        {"no-tasks", "Không tìm thấy nhiệm vụ"},
        {"empty-input", "Tệp rỗng"},
        {"binary-input", "Tệp nhị phân, không phải văn bản"},
        {"invalid-utf8", "Mã UTF-8 không hợp lệ"},
        {"unknown-encoding", "Không nhận ra bảng mã"},
        {"invalid-docx", "Tệp DOCX hỏng hoặc không đọc được"},
        {"invalid-html", "Tệp HTML hỏng hoặc không đọc được"},
        {"invalid-pdf", "Tệp PDF hỏng hoặc không đọc được"},
        {"no-text-layer", "PDF không có lớp chữ (bản quét)"},
        {"limit-exceeded", "Vượt giới hạn xử lý"},
        {"unreadable", "Không mở được tệp"},
        {"out-of-memory", "Hết bộ nhớ khi xử lý"},
    };
    for (size_t i = 0; code && i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(code, labels[i][0])) return labels[i][1];
    return NULL;
}

/* The document kind as a reviewer names it (kind_label is upper case as
 * printed, and absent for a letter). */
static const char *document_kind_label(const char *kind) {
    static const char *const labels[][2] = {
        {"program", "Chương trình"},  {"plan", "Kế hoạch"},    {"decision", "Quyết định"},
        {"letter", "Công văn"},       {"notice", "Thông báo"}, {"directive", "Chỉ thị"},
        {"resolution", "Nghị quyết"}, {"scheme", "Đề án"},     {"report", "Báo cáo"},
    };
    for (size_t i = 0; kind && i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(kind, labels[i][0])) return labels[i][1];
    return "Khác";
}

/* The CLI's exit-code classes (model.h), as words. */
static const char *status_name(int status) {
    switch (status) {
    case CD_EXIT_STRICT:
        return "strict";
    case CD_EXIT_USAGE:
        return "usage";
    case CD_EXIT_INPUT:
        return "input";
    case CD_EXIT_RULES:
        return "rules";
    default:
        return "internal";
    }
}

/* ---- sheets ---- */

static void sheet_open(cd_xlsx *x, sheet *sh, const char *name, const column *columns, lxw_col_t n_columns) {
    sh->columns = columns;
    sh->n_columns = n_columns;
    sh->next_row = 0;
    sh->ws = workbook_add_worksheet(x->wb, name);
    if (!sh->ws) {
        note_error(x, LXW_ERROR_PARAMETER_VALIDATION);
        return;
    }
    for (lxw_col_t c = 0; c < n_columns; c++)
        note_error(x, worksheet_set_column(sh->ws, c, c, columns[c].width, NULL));
    worksheet_freeze_panes(sh->ws, 1, 0);
    /* printing: landscape A4, one page wide, the header row on every page */
    worksheet_set_landscape(sh->ws);
    worksheet_set_paper(sh->ws, 9);
    worksheet_fit_to_pages(sh->ws, 1, 0);
    note_error(x, worksheet_repeat_rows(sh->ws, 0, 0));
    row_begin(x);
    for (lxw_col_t c = 0; c < n_columns; c++)
        set_text(x, c, columns[c].header, x->header);
    row_end(x, sh);
}

/* The autofilter spans the final rows, so it is set once they are all
 * written: libxlsxwriter keeps the range and writes it at close, which
 * constant-memory mode allows since the range ends on the current row. */
static void sheet_finish(cd_xlsx *x, sheet *sh) {
    if (!sh->ws || x->err) return;
    note_error(x, worksheet_autofilter(sh->ws, 0, 0, sh->next_row - 1, sh->n_columns - 1));
}

static lxw_format *cell_format(cd_xlsx *x) {
    lxw_format *f = workbook_add_format(x->wb);
    if (!f) {
        note_error(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    format_set_text_wrap(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

static void make_formats(cd_xlsx *x) {
    x->header = cell_format(x);
    x->text = cell_format(x);
    x->date = cell_format(x);
    x->number = cell_format(x);
    x->error = cell_format(x);
    if (x->err) return;
    format_set_bold(x->header);
    format_set_align(x->header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bg_color(x->header, 0xDDEBF7); /* pale blue */
    format_set_bottom(x->header, LXW_BORDER_THIN);
    format_set_num_format(x->date, DATE_FORMAT);
    format_set_align(x->date, LXW_ALIGN_LEFT);
    format_set_align(x->number, LXW_ALIGN_CENTER); /* apart from the wrapped text beside it */
    format_set_font_color(x->error, 0xC00000);     /* a failure in dark red */
    format_set_bold(x->error);
}

/* The directory of path, where libxlsxwriter keeps its temporary files: on
 * the output's file system rather than a /tmp that may live in memory. */
static char *directory_of(const char *path) {
    const char *slash = strrchr(path, '/');
    const char *dir = slash ? path : ".";
    size_t n = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;
    char *s = malloc(n + 1);
    if (!s) abort();
    memcpy(s, dir, n);
    s[n] = '\0';
    return s;
}

/* libxlsxwriter names each temporary file before unlinking it: a run killed
 * in between would leave it beside the outputs.  So the files go to a
 * directory of their own named after the workbook's temporary file
 * (".NAME.chidao-tmp.PID.SEQ.d"), which the next batch's stale clean-up
 * (cd_outfile_clean_stale) removes with what it holds; when it cannot be
 * made, the workbook's directory as before. */
static char *tmpdir_of(const char *path, bool *own) {
    size_t n = strlen(path) + 3;
    char *s = malloc(n);
    if (!s) abort();
    snprintf(s, n, "%s.d", path);
    *own = mkdir(s, 0700) == 0;
    if (*own) return s;
    free(s);
    return directory_of(path);
}

static void free_xlsx(cd_xlsx *x) {
    for (size_t c = 0; c < MAX_COLUMNS; c++)
        free(x->row[c].text.data);
    if (x->own_tmpdir) rmdir(x->tmpdir); /* empty: libxlsxwriter unlinked its files */
    free(x->tmpdir);
    free(x);
}

cd_xlsx *cd_xlsx_open(const char *path, bool constant_memory) {
    cd_xlsx *x = calloc(1, sizeof *x);
    if (!x) abort();
    x->tmpdir = tmpdir_of(path, &x->own_tmpdir);
    lxw_workbook_options options = {
        .constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE, .tmpdir = x->tmpdir, .use_zip64 = LXW_TRUE};
    x->wb = workbook_new_opt(path, &options);
    if (!x->wb) {
        free_xlsx(x);
        return NULL;
    }
    make_formats(x);
    if (!x->err) {
        lxw_doc_properties props = {.title = "Nhiệm vụ trích từ văn bản chỉ đạo", .comments = "chidao"};
        note_error(x, workbook_set_properties(x->wb, &props));
        sheet_open(x, &x->tasks, "Nhiệm vụ", task_columns, N_COLUMNS(task_columns));
        sheet_open(x, &x->indicators, "Chỉ tiêu", indicator_columns, N_COLUMNS(indicator_columns));
        sheet_open(x, &x->diags, "Cảnh báo", diag_columns, N_COLUMNS(diag_columns));
        sheet_open(x, &x->documents, "Văn bản", document_columns, N_COLUMNS(document_columns));
    }
    if (x->err) {
        lxw_workbook_free(x->wb); /* without writing: a workbook that never started is no output */
        free_xlsx(x);
        return NULL;
    }
    return x;
}

/* ---- rows ---- */

static void add_task(cd_xlsx *x, const cd_document *doc, const cd_task *t) {
    row_begin(x);
    set_text(x, TASK_FILE, doc->path, x->text);
    set_text(x, TASK_DOC_NUMBER, doc->meta.number, x->text);
    set_joined(x, TASK_SECTION, &t->section, SECTION_SEPARATOR);
    set_text(x, TASK_NUMBER, t->number, x->number);
    set_text(x, TASK_TEXT, t->text, x->text);
    set_agencies(x, TASK_LEAD, &t->lead);
    set_agencies(x, TASK_SUPPORT, &t->support);
    set_joined(x, TASK_DIRECTION, &t->direction, "\n");
    if (t->deadline) {
        set_text(x, TASK_DEADLINE, t->deadline->raw, x->text);
        set_text(x, TASK_DEADLINE_KIND, deadline_kind_label(t->deadline), x->text);
        set_date(x, TASK_START, t->deadline->start);
        set_date(x, TASK_END, t->deadline->end);
    }
    set_text(x, TASK_OUTPUT, t->output, x->text);
    set_text(x, TASK_ASSIGNED_BY, t->assigned_by, x->text);
    set_text(x, TASK_NOTE, t->note, x->text);
    set_lines(x, TASK_LINES, t->first_line, t->last_line);
    row_end(x, &x->tasks);
}

static void add_indicator(cd_xlsx *x, const cd_document *doc, const cd_indicator *ind) {
    row_begin(x);
    set_text(x, IND_FILE, doc->path, x->text);
    set_text(x, IND_DOC_NUMBER, doc->meta.number, x->text);
    set_joined(x, IND_SECTION, &ind->section, SECTION_SEPARATOR);
    set_text(x, IND_NUMBER, ind->number, x->number);
    set_text(x, IND_NAME, ind->name, x->text);
    set_text(x, IND_UNIT, ind->unit, x->text);
    set_text(x, IND_TARGET, ind->target, x->text);
    set_agencies(x, IND_LEAD, &ind->lead);
    set_lines(x, IND_LINES, ind->first_line, ind->last_line);
    row_end(x, &x->indicators);
}

static void add_diag(cd_xlsx *x, const cd_document *doc, const cd_diag *d) {
    row_begin(x);
    set_text(x, DIAG_FILE, d->file ? d->file : doc->path, x->text);
    set_text(x, DIAG_SEVERITY, severity_label(d->severity), d->severity == CD_SEV_ERROR ? x->error : x->text);
    set_text(x, DIAG_CODE, d->code, x->text);
    set_text(x, DIAG_ISSUE, diagnostic_label(d->code), x->text);
    set_text(x, DIAG_MESSAGE, d->message, x->text);
    if (d->line) set_number(x, DIAG_LINE, d->line);
    row_end(x, &x->diags);
}

/* "lỗi (input): cannot open: …" — the status word and the first error. */
static void set_failure(cd_xlsx *x, lxw_col_t col, const cd_document *doc, int status) {
    cell_text *t = cell_start(x, col, x->error);
    text_add(t, "lỗi (", false);
    text_add(t, status_name(status), false);
    text_add(t, ")", false);
    for (size_t i = 0; i < doc->diags.n; i++) {
        if (doc->diags.items[i].severity != CD_SEV_ERROR) continue;
        text_add(t, ": ", false);
        text_add(t, doc->diags.items[i].message, false);
        break;
    }
}

static void add_document(cd_xlsx *x, const cd_document *doc, int status, size_t n_diags) {
    const cd_meta *m = &doc->meta;
    row_begin(x);
    set_text(x, DOC_FILE, doc->path, x->text);
    if (status == CD_EXIT_OK) {
        set_text(x, DOC_KIND, document_kind_label(m->kind), x->text);
        set_text(x, DOC_NUMBER, m->number, x->text);
        set_date(x, DOC_DATE, m->date);
        set_text(x, DOC_ISSUER, m->issuer, x->text);
        set_text(x, DOC_TITLE, m->title, x->text);
        if (m->year) set_number(x, DOC_YEAR, m->year);
        set_text(x, DOC_SIGNER, m->signer_name, x->text);
        set_text(x, DOC_SIGNER_TITLE, m->signer_title, x->text);
        set_number(x, DOC_TASKS, (double)doc->n_tasks);
        set_number(x, DOC_INDICATORS, (double)doc->n_indicators);
        set_text(x, DOC_STATUS, "ok", x->text);
    } else {
        set_failure(x, DOC_STATUS, doc, status);
    }
    set_number(x, DOC_DIAGS, (double)n_diags);
    row_end(x, &x->documents);
}

int cd_xlsx_add(cd_xlsx *x, const cd_document *doc, int status) {
    if (x->err) return CD_EXIT_INTERNAL;
    bool ok = status == CD_EXIT_OK;
    size_t n_diags = 0;
    if (ok) {
        for (size_t i = 0; i < doc->n_tasks; i++)
            add_task(x, doc, &doc->tasks[i]);
        for (size_t i = 0; i < doc->n_indicators; i++)
            add_indicator(x, doc, &doc->indicators[i]);
    }
    /* a failed document has no trusted rows: its errors say why */
    for (size_t i = 0; i < doc->diags.n; i++) {
        if (!ok && doc->diags.items[i].severity != CD_SEV_ERROR) continue;
        add_diag(x, doc, &doc->diags.items[i]);
        n_diags++;
    }
    add_document(x, doc, status, n_diags);
    return x->err ? CD_EXIT_INTERNAL : CD_EXIT_OK;
}

int cd_xlsx_close(cd_xlsx *x) {
    if (!x) return CD_EXIT_INTERNAL;
    sheet_finish(x, &x->tasks);
    sheet_finish(x, &x->indicators);
    sheet_finish(x, &x->diags);
    sheet_finish(x, &x->documents);
    /* writes the file, and frees the workbook even when it fails */
    note_error(x, workbook_close(x->wb));
    int rc = x->err ? CD_EXIT_INTERNAL : CD_EXIT_OK;
    free_xlsx(x);
    return rc;
}
