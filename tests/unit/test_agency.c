/* test_agency.c — agency splitting and canonical names.
 *
 * The table below holds every distinct lead / support cell of the five seed
 * documents (shared/seeds, markup removed) and of real/f02–f04, with the
 * canonical names of shared/gold (and real/gold) for it: names are compared
 * exactly, in order.  The generator checked each expected list against the gold
 * JSON.  Further tests cover lead/support sentences, looks-like, kinds, the
 * gazetteer, raw text and hostile input. */
#include "testutil.h"

#include "agency.h"

#define MAX_NAMES 8

typedef struct gold_cell {
    const char *doc; /* seed / real document stem prefix */
    int line;        /* source line of the cell */
    const char *text;
    const char *names[MAX_NAMES];
} gold_cell;

static const gold_cell gold_cells[] = {
    {"000",
     48,
     "Đ/c Ủy viên BCHTW Đảng, Bí thư Tỉnh ủy, Trưởng Ban",
     {"Đ/c Ủy viên BCHTW Đảng, Bí thư Tỉnh ủy, Trưởng Ban"}},
    {"000", 49, "Các đ/c Phó Trưởng Ban", {"Các đ/c Phó Trưởng Ban"}},
    {"000", 55, "Ban Tuyên giáo và Dân vận Tỉnh ủy", {"Ban Tuyên giáo và Dân vận Tỉnh ủy"}},
    {"000", 62, "UBKT các cấp", {"Ủy ban Kiểm tra các cấp"}},
    {"000",
     69,
     "HĐND tỉnh, Thường trực HĐND tỉnh và các Ban của HĐND tỉnh",
     {"Hội đồng nhân dân tỉnh", "Thường trực Hội đồng nhân dân tỉnh", "Các Ban của Hội đồng nhân dân tỉnh"}},
    {"000", 77, "Ủy ban MTTQVN tỉnh", {"Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"}},
    {"000", 85, "Ban Tổ chức Tỉnh ủy", {"Ban Tổ chức Tỉnh ủy"}},
    {"000", 92, "Ban Tổ chức Tỉnh ủy; Sở Nội vụ", {"Ban Tổ chức Tỉnh ủy", "Sở Nội vụ"}},
    {"000",
     99,
     "HĐND tỉnh; UBND tỉnh; Sở KH&CN; Sở Tài chính",
     {"Hội đồng nhân dân tỉnh", "Ủy ban nhân dân tỉnh", "Sở Khoa học và Công nghệ", "Sở Tài chính"}},
    {"000", 107, "Sở KH&CN; Sở Tài chính", {"Sở Khoa học và Công nghệ", "Sở Tài chính"}},
    {"000",
     125,
     "Sở KH&CN; các doanh nghiệp Viễn thông trên địa bàn tỉnh",
     {"Sở Khoa học và Công nghệ", "Các doanh nghiệp Viễn thông trên địa bàn tỉnh"}},
    {"000", 133, "Văn phòng Tỉnh ủy; Sở KH&CN", {"Văn phòng Tỉnh ủy", "Sở Khoa học và Công nghệ"}},
    {"000",
     141,
     "Văn phòng Tỉnh ủy, Sở KH&CN, Sở Tài chính",
     {"Văn phòng Tỉnh ủy", "Sở Khoa học và Công nghệ", "Sở Tài chính"}},
    {"000", 149, "Văn phòng Tỉnh ủy", {"Văn phòng Tỉnh ủy"}},
    {"000",
     157,
     "Văn phòng Tỉnh ủy; HĐND tỉnh; Ủy ban MTTQ Việt Nam tỉnh; Sở KH&CN",
     {"Văn phòng Tỉnh ủy", "Hội đồng nhân dân tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
      "Sở Khoa học và Công nghệ"}},
    {"000", 165, "Ban Tổ chức Tỉnh ủy, Văn phòng Tỉnh ủy", {"Ban Tổ chức Tỉnh ủy", "Văn phòng Tỉnh ủy"}},
    {"000",
     173,
     "Văn phòng Tỉnh ủy; các cơ quan chuyên trách tham mưu, giúp việc Tỉnh ủy (trừ Ban Tổ chức Tỉnh ủy); Đảng ủy Ủy "
     "ban nhân dân tỉnh và các Đảng ủy xã, phường, đặc khu.",
     {"Văn phòng Tỉnh ủy", "Các cơ quan chuyên trách tham mưu, giúp việc Tỉnh ủy (trừ Ban Tổ chức Tỉnh ủy)",
      "Đảng ủy Ủy ban nhân dân tỉnh", "Các Đảng ủy xã, phường, đặc khu"}},
    {"000", 183, "Sở KH&CN; các xã, phường, đặc khu", {"Sở Khoa học và Công nghệ", "Các xã, phường, đặc khu"}},
    {"000", 191, "Sở GD&ĐT; Sở KH&CN", {"Sở Giáo dục và Đào tạo", "Sở Khoa học và Công nghệ"}},
    {"000",
     201,
     "Văn phòng Tỉnh ủy; Tổ Giúp việc Ban Chỉ đạo tỉnh",
     {"Văn phòng Tỉnh ủy", "Tổ Giúp việc Ban Chỉ đạo tỉnh"}},
    {"001",
     72,
     "Các Sở: Ngoại vụ, Tư pháp, Công Thương, Giáo dục và Đào tạo, Y tế, Văn hóa, Thể thao và Du lịch",
     {"Sở Ngoại vụ", "Sở Tư pháp", "Sở Công Thương", "Sở Giáo dục và Đào tạo", "Sở Y tế",
      "Sở Văn hóa, Thể thao và Du lịch"}},
    {"001",
     76,
     "Các Sở, ban, ngành; Các trường Đại học, cao đẳng trên địa bàn tỉnh; UBND xã, phường, đặc khu theo chức năng, "
     "nhiệm vụ",
     {"Các sở, ban, ngành", "Các trường Đại học, cao đẳng trên địa bàn tỉnh", "Ủy ban nhân dân xã, phường, đặc khu"}},
    {"001", 130, "Sở Khoa học và Công nghệ; Sở Tài chính", {"Sở Khoa học và Công nghệ", "Sở Tài chính"}},
    {"001",
     142,
     "Các sở, ban, ngành; UBND các xã, phường, đặc khu.",
     {"Các sở, ban, ngành", "Ủy ban nhân dân các xã, phường, đặc khu"}},
    {"001", 146, "Công an tỉnh; Sở Khoa học và Công nghệ", {"Công an tỉnh", "Sở Khoa học và Công nghệ"}},
    {"001", 126, "Công an tỉnh", {"Công an tỉnh"}},
    {"002", 74, "Giám đốc Sở Khoa học và Công nghệ", {"Sở Khoa học và Công nghệ"}},
    {"002", 74, "Ủy viên Ban Chỉ đạo", {"Ủy viên Ban Chỉ đạo"}},
    {"002", 75, "Chánh Văn phòng Tỉnh ủy", {"Văn phòng Tỉnh ủy"}},
    {"002",
     75,
     "Các cơ quan chuyên trách tham mưu, giúp việc Tỉnh ủy; đảng ủy trực thuộc Tỉnh ủy",
     {"Các cơ quan chuyên trách tham mưu, giúp việc Tỉnh ủy", "Các đảng ủy trực thuộc Tỉnh ủy"}},
    {"002", 79, "Giám đốc Công an Tỉnh", {"Công an tỉnh"}},
    {"002", 81, "Chánh Văn phòng Tỉnh uỷ", {"Văn phòng Tỉnh ủy"}},
    {"002",
     81,
     "Các cơ quan chuyên trách tham mưu, giúp việc Tỉnh uỷ; đảng uỷ trực thuộc Tỉnh uỷ",
     {"Các cơ quan chuyên trách tham mưu, giúp việc Tỉnh ủy", "Các đảng ủy trực thuộc Tỉnh ủy"}},
    {"002", 82, "Chủ tịch UBND xã, phường", {"Ủy ban nhân dân xã, phường"}},
    {"002", 86, "Giám đốc Sở Tài chính", {"Sở Tài chính"}},
    {"002", 87, "Thủ trưởng sở, ban, ngành, địa phương", {"Các sở, ban, ngành, địa phương"}},
    {"002", 94, "Giám đốc Sở Công Thương", {"Sở Công Thương"}},
    {"002", 100, "Giám đốc Sở Y tế", {"Sở Y tế"}},
    {"002", 101, "Giám đốc Sở Giáo dục và Đào tạo", {"Sở Giáo dục và Đào tạo"}},
    {"002", 107, "Giám đốc Sở Nội vụ", {"Sở Nội vụ"}},
    {"002", 112, "Các sở, ban, ngành, địa phương", {"Các sở, ban, ngành, địa phương"}},
    {"002", 112, "Sở KH&CN, Sở Tài chính", {"Sở Khoa học và Công nghệ", "Sở Tài chính"}},
    {"002", 119, "Giám đốc Sở Xây dựng", {"Sở Xây dựng"}},
    {"002", 121, "Hiệu trưởng Trường Cao đẳng Cộng đồng Đồng Tháp", {"Trường Cao đẳng Cộng đồng Đồng Tháp"}},
    {"002",
     121,
     "Giám đốc Sở Giáo dục và Đào tạo; Giám đốc Sở Khoa học và Công nghệ; Giám đốc Sở Tài chính",
     {"Sở Giáo dục và Đào tạo", "Sở Khoa học và Công nghệ", "Sở Tài chính"}},
    {"002", 126, "Bí thư Tỉnh Đoàn", {"Tỉnh Đoàn"}},
    {"002",
     126,
     "Giám đốc Sở Khoa học và Công nghệ; Giám đốc Sở Tài chính; Giám đốc Sở Nông nghiệp và Môi trường",
     {"Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Nông nghiệp và Môi trường"}},
    {"002", 128, "Giám đốc Sở Văn hóa, Thể thao và Du lịch", {"Sở Văn hóa, Thể thao và Du lịch"}},
    {"002", 132, "Chủ đầu tư mua sắm công", {"Chủ đầu tư mua sắm công"}},
    {"002", 132, "Sở Khoa học và Công nghệ, Sở Tài chính", {"Sở Khoa học và Công nghệ", "Sở Tài chính"}},
    {"002",
     139,
     "Giám đốc Công an Tỉnh, Giám đốc Sở Khoa học và Công nghệ",
     {"Công an tỉnh", "Sở Khoa học và Công nghệ"}},
    {"002", 153, "Giám đốc Sở, ban, ngành", {"Các sở, ban, ngành"}},
    {"002", 158, "Văn phòng Tỉnh ủy/UBND Tỉnh", {"Văn phòng Tỉnh ủy", "Văn phòng Ủy ban nhân dân tỉnh"}},
    {"002", 159, "Sở KH&CN", {"Sở Khoa học và Công nghệ"}},
    {"002",
     168,
     "Giám đốc Sở Khoa học và Công nghệ, Giám đốc Công an tỉnh",
     {"Sở Khoa học và Công nghệ", "Công an tỉnh"}},
    {"002", 168, "Các Sở, ngành, địa phương", {"Các sở, ngành, địa phương"}},
    {"002", 169, "Văn phòng UBND tỉnh", {"Văn phòng Ủy ban nhân dân tỉnh"}},
    {"002", 174, "Các Viện, Trường, Sở ngành", {"Các viện, trường, sở ngành"}},
    {"003", 127, "Sở Khoa học và Công nghệ", {"Sở Khoa học và Công nghệ"}},
    {"003", 157, "Cục Thống kê tỉnh", {"Cục Thống kê tỉnh"}},
    {"003", 234, "Chi nhánh Ngân hàng Nhà nước", {"Chi nhánh Ngân hàng Nhà nước"}},
    {"003", 259, "Sở Tài chính", {"Sở Tài chính"}},
    {"003", 313, "Sở Y tế", {"Sở Y tế"}},
    {"003", 353, "Các sở, ban ngành, UBND cấp huyện", {"Các sở, ban ngành", "Ủy ban nhân dân cấp huyện"}},
    {"003",
     358,
     "Sở Dân tộc và Tôn giáo; UBND cấp huyện; các cơ quan báo chí; Đài PTTH tinh",
     {"Sở Dân tộc và Tôn giáo", "Ủy ban nhân dân cấp huyện", "Các cơ quan báo chí",
      "Đài Phát thanh - Truyền hình tỉnh"}},
    {"003",
     363,
     "Các sở, ban ngành, UBND cấp huyện; các cơ quan báo chí; Đài Phát thanh - Truyền hình tỉnh",
     {"Các sở, ban ngành", "Ủy ban nhân dân cấp huyện", "Các cơ quan báo chí", "Đài Phát thanh - Truyền hình tỉnh"}},
    {"003", 372, "Sở Nội vụ", {"Sở Nội vụ"}},
    {"003",
     396,
     "Các sở, ban ngành, UBND cấp huyện, UBND cấp xã",
     {"Các sở, ban ngành", "Ủy ban nhân dân cấp huyện", "Ủy ban nhân dân cấp xã"}},
    {"003", 407, "Các sở, ban ngành liên quan", {"Các sở, ban ngành liên quan"}},
    {"003", 416, "Các Sở, ban ngành liên quan", {"Các sở, ban ngành liên quan"}},
    {"003", 443, "Sở Nội vụ; Sở Khoa học và Công nghệ", {"Sở Nội vụ", "Sở Khoa học và Công nghệ"}},
    {"003", 450, "Sở Công Thương", {"Sở Công Thương"}},
    {"003", 455, "Sở Nông nghiệp và Môi trường", {"Sở Nông nghiệp và Môi trường"}},
    {"003",
     460,
     "Các sở, ban ngành liên quan; các trường đại học, cao đẳng",
     {"Các sở, ban ngành liên quan", "Các trường đại học, cao đẳng"}},
    {"003", 473, "Sở Xây dựng, UBND cấp huyện", {"Sở Xây dựng", "Ủy ban nhân dân cấp huyện"}},
    {"003", 494, "Các sở, ban ngành", {"Các sở, ban ngành"}},
    {"003",
     508,
     "Ban Quản lý KKT Dung Quất và Các KCN tỉnh; Các địa phương",
     {"Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp tỉnh", "Các địa phương"}},
    {"003", 562, "Sở Khoa học và Công nghệ, Công an tỉnh", {"Sở Khoa học và Công nghệ", "Công an tỉnh"}},
    {"003",
     563,
     "Các cơ quan Đảng, Tòa án nhân dân tỉnh, Viện Kiểm sát nhân dân tỉnh",
     {"Các cơ quan Đảng", "Tòa án nhân dân tỉnh", "Viện Kiểm sát nhân dân tỉnh"}},
    {"003",
     573,
     "Các sở, ban ngành, UBND cấp huyện, UBND xã",
     {"Các sở, ban ngành", "Ủy ban nhân dân cấp huyện", "Ủy ban nhân dân xã"}},
    {"003",
     577,
     "Các sở ngành, UBND cấp huyện, UBND cấp xã",
     {"Các sở ngành", "Ủy ban nhân dân cấp huyện", "Ủy ban nhân dân cấp xã"}},
    {"003",
     578,
     "Các Sở: Tư pháp, Giáo dục và Đào tạo, Y tế, Nông nghiệp và Môi trường",
     {"Sở Tư pháp", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Nông nghiệp và Môi trường"}},
    {"003",
     587,
     "Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã",
     {"Các sở, ban, ngành", "Ủy ban nhân dân cấp huyện", "Ủy ban nhân dân cấp xã"}},
    {"003", 591, "Sở Văn hóa, Thể thao và Du lịch", {"Sở Văn hóa, Thể thao và Du lịch"}},
    {"003",
     592,
     "Các sở, ban, ngành, UBND cấp huyện, UBND xã",
     {"Các sở, ban, ngành", "Ủy ban nhân dân cấp huyện", "Ủy ban nhân dân xã"}},
    {"003", 597, "Sở Khoa học và Công nghệ, các địa phương", {"Sở Khoa học và Công nghệ", "Các địa phương"}},
    {"003", 602, "Các sở, ban, ngành, UBND cấp huyện", {"Các sở, ban, ngành", "Ủy ban nhân dân cấp huyện"}},
    {"003",
     622,
     "Sở Khoa học và Công nghệ, Liên minh HTX tỉnh",
     {"Sở Khoa học và Công nghệ", "Liên minh Hợp tác xã tỉnh"}},
    {"003",
     627,
     "Sở Khoa học và Công nghệ, Sở Giáo dục và Đào tạo, Công an tỉnh",
     {"Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Công an tỉnh"}},
    {"004", 18, "Sở Khoa học và Công nghệ.", {"Sở Khoa học và Công nghệ"}},
    {"004", 19, "Các sở, ban, ngành thuộc UBND tỉnh.", {"Các sở, ban, ngành thuộc Ủy ban nhân dân tỉnh"}},
    {"004",
     25,
     "Các sở, ban, ngành thuộc UBND tỉnh, UBND các xã, phường, đặc khu",
     {"Các sở, ban, ngành thuộc Ủy ban nhân dân tỉnh", "Ủy ban nhân dân các xã, phường, đặc khu"}},
    {"004",
     40,
     "Các sở, ban, ngành, đơn vị cấp tỉnh; UBND các xã, phường, đặc khu.",
     {"Các sở, ban, ngành, đơn vị cấp tỉnh", "Ủy ban nhân dân các xã, phường, đặc khu"}},
    {"004", 46, "Sở Công Thương.", {"Sở Công Thương"}},
    {"004",
     48,
     "Các sở, ban, ngành, đơn vị cấp tỉnh, UBND các xã, phường, đặc khu.",
     {"Các sở, ban, ngành, đơn vị cấp tỉnh", "Ủy ban nhân dân các xã, phường, đặc khu"}},
    {"004",
     56,
     "Các Sở, ban, ngành, đơn vị cấp tỉnh, UBND các xã, phường, đặc khu.",
     {"Các sở, ban, ngành, đơn vị cấp tỉnh", "Ủy ban nhân dân các xã, phường, đặc khu"}},
    {"004",
     172,
     "Các Sở, ban, ngành, đơn vị cấp tỉnh, UBND các xã, phường, đặc khu",
     {"Các sở, ban, ngành, đơn vị cấp tỉnh", "Ủy ban nhân dân các xã, phường, đặc khu"}},
    {"004", 194, "Thanh Tra tỉnh, Sở Khoa học và Công nghệ.", {"Thanh tra tỉnh", "Sở Khoa học và Công nghệ"}},
    {"004", 205, "Sở Nội vụ.", {"Sở Nội vụ"}},
    {"004",
     206,
     "Văn phòng UBND tỉnh, Sở Khoa học và Công nghệ, Sở Tư pháp, Sở Tài chính và các sở, ban, ngành, đơn vị cấp tỉnh, "
     "UBND các xã, phường, đặc khu.”",
     {"Văn phòng Ủy ban nhân dân tỉnh", "Sở Khoa học và Công nghệ", "Sở Tư pháp", "Sở Tài chính",
      "Các sở, ban, ngành, đơn vị cấp tỉnh", "Ủy ban nhân dân các xã, phường, đặc khu"}},
    {"f02", 11, "Sở Nông nghiệp và Phát triển nông thôn", {"Sở Nông nghiệp và Phát triển nông thôn"}},
    {"f02", 11, "Sở Tài nguyên và Môi trường", {"Sở Tài nguyên và Môi trường"}},
    {"f03", 11, "Sở Giao thông vận tải", {"Sở Giao thông vận tải"}},
    {"f03",
     11,
     "Sở Xây dựng, UBND thành phố Đông Hà và các đơn vị có liên quan",
     {"Sở Xây dựng", "Ủy ban nhân dân thành phố Đông Hà", "Các đơn vị có liên quan"}},
    {"f04", 11, "UBND huyện Triệu Phong", {"Ủy ban nhân dân huyện Triệu Phong"}},
    {"f04",
     11,
     "Sở Tài nguyên và Môi trường, Sở Giao thông vận tải và các đơn vị liên quan",
     {"Sở Tài nguyên và Môi trường", "Sở Giao thông vận tải", "Các đơn vị liên quan"}},
};

static size_t count_names(const char *const *names) {
    size_t n = 0;
    while (n < MAX_NAMES && names[n])
        n++;
    return n;
}

/* Split text and compare the canonical names with want; prints a diff and
 * returns false on a mismatch. */
static bool split_equals(const char *what, const char *text, const char *const *want, size_t n_want) {
    cd_arena a;
    cd_arena_init(&a);
    cd_agency_list l = {0};
    cd_agency_split(test_rules, text, strlen(text), &l, &a);
    bool ok = l.n == n_want;
    for (size_t i = 0; ok && i < n_want; i++)
        ok = !strcmp(l.items[i].name, want[i]);
    if (!ok) {
        fprintf(stderr, "%s: \"%s\"\n  want:", what, text);
        for (size_t i = 0; i < n_want; i++)
            fprintf(stderr, " [%s]", want[i]);
        fprintf(stderr, "\n  got: ");
        for (size_t i = 0; i < l.n; i++)
            fprintf(stderr, " [%s]", l.items[i].name);
        fprintf(stderr, "\n");
    }
    cd_arena_free(&a);
    return ok;
}

static void test_gold_cells(void **state) {
    (void)state;
    int failed = 0;
    size_t n = sizeof gold_cells / sizeof *gold_cells;
    for (size_t i = 0; i < n; i++) {
        char what[64];
        snprintf(what, sizeof what, "%s:%d", gold_cells[i].doc, gold_cells[i].line);
        if (!split_equals(what, gold_cells[i].text, gold_cells[i].names, count_names(gold_cells[i].names))) failed++;
    }
    assert_int_equal(failed, 0);
}

/* The brief's and the contract's examples that the seeds do not print. */
static void test_more_splits(void **state) {
    (void)state;
    static const gold_cell cases[] = {
        {"brief",
         0,
         "Sở Tài chính và các sở, ban, ngành, đơn vị cấp tỉnh",
         {"Sở Tài chính", "Các sở, ban, ngành, đơn vị cấp tỉnh"}},
        {"brief",
         0,
         "Các Sở: Ngoại vụ, Tư pháp, Văn hóa, Thể thao và Du lịch",
         {"Sở Ngoại vụ", "Sở Tư pháp", "Sở Văn hóa, Thể thao và Du lịch"}},
        {"brief", 0, "Các sở, ban ngành", {"Các sở, ban ngành"}},
        {"brief", 0, "UBND các xã, phường, đặc khu", {"Ủy ban nhân dân các xã, phường, đặc khu"}},
        {"brief",
         0,
         "Ban Quản lý KKT Dung Quất và các KCN tỉnh",
         {"Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp tỉnh"}},
        {"brief", 0, "Ủy ban nhân dân xã/phường", {"Ủy ban nhân dân xã/phường"}},
        {"brief",
         0,
         "Công an Tỉnh; UBND Tỉnh; Tỉnh uỷ; Tỉnh Đoàn",
         {"Công an tỉnh", "Ủy ban nhân dân tỉnh", "Tỉnh ủy", "Tỉnh Đoàn"}},
        {"abbrev",
         0,
         "Sở KHCN; Sở TN&MT; Sở NN&PTNT; Sở LĐTB&XH; Sở TT&TT; Sở KH&ĐT; Sở VHTTDL",
         {"Sở Khoa học và Công nghệ", "Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Phát triển nông thôn",
          "Sở Lao động - Thương binh và Xã hội", "Sở Thông tin và Truyền thông", "Sở Kế hoạch và Đầu tư",
          "Sở Văn hóa, Thể thao và Du lịch"}},
        {"abbrev",
         0,
         "UBMTTQVN tỉnh, MTTQ VN tỉnh, Liên minh HTX tỉnh, Đài PTTH tỉnh",
         {"Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Mặt trận Tổ quốc Việt Nam tỉnh", "Liên minh Hợp tác xã tỉnh",
          "Đài Phát thanh - Truyền hình tỉnh"}},
        {"abbrev",
         0,
         "BCĐ tỉnh; CA tỉnh; UBND TP. Đông Hà; Ban Tổ chức TU",
         {"Ban Chỉ đạo tỉnh", "Công an tỉnh", "Ủy ban nhân dân thành phố Đông Hà", "Ban Tổ chức Tỉnh ủy"}},
        {"tone",
         0,
         "Sở Văn hoá, Thể thao và Du lịch, Uỷ ban nhân dân tỉnh",
         {"Sở Văn hóa, Thể thao và Du lịch", "Ủy ban nhân dân tỉnh"}},
        {"variant",
         0,
         "Sở Lao động, Thương binh và Xã hội và Sở Y tế",
         {"Sở Lao động - Thương binh và Xã hội", "Sở Y tế"}},
        {"variant", 0, "Sở Công thương", {"Sở Công Thương"}},
        {"và", 0, "Các sở, ban, ngành và địa phương", {"Các sở, ban, ngành và địa phương"}},
        {"và", 0, "Các sở, ban, ngành và UBND các huyện", {"Các sở, ban, ngành", "Ủy ban nhân dân các huyện"}},
        {"và",
         0,
         "Văn phòng Đoàn ĐBQH và HĐND tỉnh, Sở Nội vụ",
         {"Văn phòng Đoàn Đại biểu Quốc hội và Hội đồng nhân dân tỉnh", "Sở Nội vụ"}},
        {"và", 0, "Sở Tài chính, và Sở Y tế", {"Sở Tài chính", "Sở Y tế"}},
        {"distribute",
         0,
         "Các sở: KH&CN, Y tế và UBND tỉnh",
         {"Sở Khoa học và Công nghệ", "Sở Y tế", "Ủy ban nhân dân tỉnh"}},
        {"title",
         0,
         "Lãnh đạo UBND tỉnh; Chánh Thanh tra tỉnh; Chánh án Tòa án nhân dân tỉnh",
         {"Ủy ban nhân dân tỉnh", "Thanh tra tỉnh", "Tòa án nhân dân tỉnh"}},
        {"slip", 0, "Đài PTTH tinh", {"Đài Phát thanh - Truyền hình tỉnh"}},
        {"punct", 0, "  Sở Nội vụ ;  Sở  Tài   chính.  ", {"Sở Nội vụ", "Sở Tài chính"}},
        {"punct", 0, "“Sở Y tế, Công an tỉnh.”", {"Sở Y tế", "Công an tỉnh"}},
        {"qualifier",
         0,
         "Các sở, ban, ngành, UBND các xã theo chức năng, nhiệm vụ được giao",
         {"Các sở, ban, ngành", "Ủy ban nhân dân các xã"}},
        {"paren",
         0,
         "Các cơ quan (Sở Nội vụ, Sở Tài chính); Công an tỉnh",
         {"Các cơ quan (Sở Nội vụ, Sở Tài chính)", "Công an tỉnh"}},
        /* a collective list of unit words may end with a place name */
        {"place", 0, "UBND các huyện, thị xã, thành phố Huế", {"Ủy ban nhân dân các huyện, thị xã, thành phố Huế"}},
        {"place", 0, "UBND các huyện, thành phố Cà Mau", {"Ủy ban nhân dân các huyện, thành phố Cà Mau"}},
        {"place",
         0,
         "UBND các huyện, thị xã, thành phố Huế, Sở Y tế; UBND thành phố Huế",
         {"Ủy ban nhân dân các huyện, thị xã, thành phố Huế", "Sở Y tế", "Ủy ban nhân dân thành phố Huế"}},
        {"place", 0, "Các sở, ban, ngành, Thành phố Huế", {"Các sở, ban, ngành", "Thành phố Huế"}},
        /* collectives of ministries and bodies stay whole */
        {"collective",
         0,
         "Các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ",
         {"Các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ"}},
        {"collective", 0, "Các bộ, ngành Trung ương", {"Các bộ, ngành Trung ương"}},
        {"collective",
         0,
         "Các bộ, ngành TW; UBND các tỉnh, thành phố",
         {"Các bộ, ngành Trung ương", "Ủy ban nhân dân các tỉnh, thành phố"}},
        {"collective", 0, "Các cơ quan, đơn vị, địa phương", {"Các cơ quan, đơn vị, địa phương"}},
        {"collective",
         0,
         "Sở Nội vụ, các cơ quan, đơn vị, địa phương",
         {"Sở Nội vụ", "Các cơ quan, đơn vị, địa phương"}},
        {"collective", 0, "các tổ chức chính trị - xã hội", {"Các tổ chức chính trị - xã hội"}},
        {"collective",
         0,
         "Ủy ban MTTQ VN tỉnh và các tổ chức chính trị - xã hội tỉnh",
         {"Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Các tổ chức chính trị - xã hội tỉnh"}},
        /* lower-case entries are capitalised, roles too */
        {"capital", 0, "các chủ đầu tư", {"Các chủ đầu tư"}},
        {"capital", 0, "Sở Tài chính; các chủ đầu tư", {"Sở Tài chính", "Các chủ đầu tư"}},
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (!split_equals(cases[i].doc, cases[i].text, cases[i].names, count_names(cases[i].names))) failed++;
    assert_int_equal(failed, 0);
}

/* raw is the entry as printed: trimmed, the final "." gone, title kept. */
static void test_raw(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    cd_agency_list l = {0};
    const char *text = "Giám đốc Sở Giáo dục và Đào tạo; Văn phòng Tỉnh ủy/UBND Tỉnh, các địa phương.";
    cd_agency_split(test_rules, text, strlen(text), &l, &a);
    assert_int_equal(l.n, 4);
    assert_string_equal(l.items[0].raw, "Giám đốc Sở Giáo dục và Đào tạo");
    assert_string_equal(l.items[0].name, "Sở Giáo dục và Đào tạo");
    assert_string_equal(l.items[1].raw, "Văn phòng Tỉnh ủy");
    assert_string_equal(l.items[2].raw, "UBND Tỉnh");
    assert_string_equal(l.items[2].name, "Văn phòng Ủy ban nhân dân tỉnh");
    assert_string_equal(l.items[3].raw, "các địa phương");
    assert_string_equal(l.items[3].name, "Các địa phương");
    /* a length, not a NUL, ends the text */
    cd_agency_list l2 = {0};
    cd_agency_split(test_rules, "Sở Y tế; Sở Nội vụ", strlen("Sở Y tế"), &l2, &a);
    assert_int_equal(l2.n, 1);
    assert_string_equal(l2.items[0].name, "Sở Y tế");
    /* a role's raw stays as printed; only its name is capitalised */
    cd_agency_list l3 = {0};
    const char *roles = "các chủ đầu tư; UBND các huyện, thành phố Cà Mau";
    cd_agency_split(test_rules, roles, strlen(roles), &l3, &a);
    assert_int_equal(l3.n, 2);
    assert_string_equal(l3.items[0].raw, "các chủ đầu tư");
    assert_string_equal(l3.items[0].name, "Các chủ đầu tư");
    assert_int_equal(l3.items[0].kind, CD_AGENCY_ROLE);
    assert_string_equal(l3.items[1].raw, "UBND các huyện, thành phố Cà Mau");
    assert_int_equal(l3.items[1].kind, CD_AGENCY_GROUP);
    cd_arena_free(&a);
}

typedef struct kind_case {
    const char *text, *name;
    cd_agency_kind kind;
    bool known;
} kind_case;

static void test_canonical_kinds(void **state) {
    (void)state;
    static const kind_case cases[] = {
        {"Giám đốc Sở Tài chính", "Sở Tài chính", CD_AGENCY_AGENCY, true},
        {"Chánh Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy", CD_AGENCY_AGENCY, true},
        {"Giám đốc Công an Tỉnh", "Công an tỉnh", CD_AGENCY_AGENCY, true},
        {"Bí thư Tỉnh Đoàn", "Tỉnh Đoàn", CD_AGENCY_AGENCY, true},
        {"UBND Tỉnh", "Ủy ban nhân dân tỉnh", CD_AGENCY_AGENCY, true},
        {"Tỉnh uỷ", "Tỉnh ủy", CD_AGENCY_AGENCY, true},
        {"Thanh Tra tỉnh", "Thanh tra tỉnh", CD_AGENCY_AGENCY, true},
        {"Cục Thống kê tỉnh", "Cục Thống kê tỉnh", CD_AGENCY_AGENCY, true},
        {"Chi nhánh Ngân hàng Nhà nước", "Chi nhánh Ngân hàng Nhà nước", CD_AGENCY_AGENCY, true},
        {"UBND huyện Triệu Phong", "Ủy ban nhân dân huyện Triệu Phong", CD_AGENCY_AGENCY, true},
        {"Đảng ủy Ủy ban nhân dân tỉnh", "Đảng ủy Ủy ban nhân dân tỉnh", CD_AGENCY_AGENCY, true},
        {"Tổ Giúp việc Ban Chỉ đạo tỉnh", "Tổ Giúp việc Ban Chỉ đạo tỉnh", CD_AGENCY_AGENCY, true},
        {"Ban Quản lý KKT Dung Quất và Các KCN tỉnh", "Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp tỉnh",
         CD_AGENCY_AGENCY, true},
        {"Sở Quảng bá", "Sở Quảng bá", CD_AGENCY_AGENCY, false},
        {"Ban Điều phối tỉnh", "Ban Điều phối tỉnh", CD_AGENCY_AGENCY, false},
        {"Các sở, ban, ngành", "Các sở, ban, ngành", CD_AGENCY_GROUP, true},
        {"các cơ quan báo chí", "Các cơ quan báo chí", CD_AGENCY_GROUP, true},
        {"Chủ tịch UBND xã, phường", "Ủy ban nhân dân xã, phường", CD_AGENCY_GROUP, true},
        {"Thủ trưởng sở, ban, ngành, địa phương", "Các sở, ban, ngành, địa phương", CD_AGENCY_GROUP, true},
        {"Giám đốc Sở, ban, ngành", "Các sở, ban, ngành", CD_AGENCY_GROUP, true},
        {"UBND cấp huyện", "Ủy ban nhân dân cấp huyện", CD_AGENCY_GROUP, true},
        {"UBND xã", "Ủy ban nhân dân xã", CD_AGENCY_GROUP, true},
        {"UBKT các cấp", "Ủy ban Kiểm tra các cấp", CD_AGENCY_GROUP, true},
        {"Các Viện, Trường, Sở ngành", "Các viện, trường, sở ngành", CD_AGENCY_GROUP, true},
        {"các Ban của HĐND tỉnh", "Các Ban của Hội đồng nhân dân tỉnh", CD_AGENCY_GROUP, true},
        {"Đ/c Ủy viên BCHTW Đảng, Bí thư Tỉnh ủy, Trưởng Ban", "Đ/c Ủy viên BCHTW Đảng, Bí thư Tỉnh ủy, Trưởng Ban",
         CD_AGENCY_ROLE, false},
        {"Các đ/c Phó Trưởng Ban", "Các đ/c Phó Trưởng Ban", CD_AGENCY_ROLE, false},
        {"Ủy viên Ban Chỉ đạo", "Ủy viên Ban Chỉ đạo", CD_AGENCY_ROLE, false},
        {"Chủ đầu tư mua sắm công", "Chủ đầu tư mua sắm công", CD_AGENCY_ROLE, false},
        {"Trưởng Ban", "Trưởng Ban", CD_AGENCY_ROLE, false},
        {"các chủ đầu tư", "Các chủ đầu tư", CD_AGENCY_ROLE, false},
        {"UBND các huyện, thị xã, thành phố Huế", "Ủy ban nhân dân các huyện, thị xã, thành phố Huế", CD_AGENCY_GROUP,
         true},
        {"Các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ", "Các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ",
         CD_AGENCY_GROUP, true},
        {"Các bộ, ngành Trung ương", "Các bộ, ngành Trung ương", CD_AGENCY_GROUP, true},
        {"Các cơ quan, đơn vị, địa phương", "Các cơ quan, đơn vị, địa phương", CD_AGENCY_GROUP, true},
        {"các tổ chức chính trị - xã hội", "Các tổ chức chính trị - xã hội", CD_AGENCY_GROUP, true},
        /* slips are repaired only inside agency names */
        {"Trung tâm vệ tinh", "Trung tâm vệ tinh", CD_AGENCY_AGENCY, false},
        {"Ban tinh thần", "Ban tinh thần", CD_AGENCY_AGENCY, false},
        {"Quỹ quý hiếm", "Quỹ quý hiếm", CD_AGENCY_AGENCY, false},
    };
    int failed = 0;
    cd_arena a;
    cd_arena_init(&a);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cd_agency_kind kind;
        bool known;
        const char *name = cd_agency_canonical(test_rules, cases[i].text, strlen(cases[i].text), &a, &kind, &known);
        if (strcmp(name, cases[i].name) || kind != cases[i].kind || known != cases[i].known) {
            fprintf(stderr, "canonical \"%s\": want [%s] kind %d known %d, got [%s] kind %d known %d\n", cases[i].text,
                    cases[i].name, cases[i].kind, cases[i].known, name, kind, known);
            failed++;
        }
    }
    cd_arena_free(&a);
    assert_int_equal(failed, 0);
}

/* Every kind in a split agrees with cd_agency_canonical and raw is never
 * empty. */
static void test_split_kinds(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    int roles = 0, groups = 0;
    for (size_t i = 0; i < sizeof gold_cells / sizeof *gold_cells; i++) {
        cd_agency_list l = {0};
        cd_agency_split(test_rules, gold_cells[i].text, strlen(gold_cells[i].text), &l, &a);
        for (size_t k = 0; k < l.n; k++) {
            assert_true(l.items[k].raw && *l.items[k].raw);
            if (l.items[k].kind == CD_AGENCY_ROLE) {
                roles++;
                assert_false(l.items[k].known);
                assert_string_equal(l.items[k].name, l.items[k].raw); /* kept whole as printed */
            } else if (l.items[k].kind == CD_AGENCY_GROUP) {
                groups++;
            } else if (!l.items[k].known) {
                fprintf(stderr, "not in the gazetteer: [%s] (%s:%d)\n", l.items[k].name, gold_cells[i].doc,
                        gold_cells[i].line);
                fail();
            }
        }
    }
    assert_int_equal(roles, 4);
    assert_true(groups > 20);
    cd_arena_free(&a);
}

typedef struct ls_case {
    const char *text, *lead, *support;
} ls_case;

static void test_lead_support(void **state) {
    (void)state;
    static const ls_case cases[] = {
        {"Sở Khoa học và Công nghệ chủ trì phối hợp với Công an tỉnh, Sở Nội vụ, Văn phòng UBND tỉnh.",
         "Sở Khoa học và Công nghệ", "Công an tỉnh, Sở Nội vụ, Văn phòng UBND tỉnh."},
        /* seed 001 row 8: the cell continues after a page break */
        {"Sở Khoa học và Công nghệ phối hợp với Văn phòng Tỉnh ủy", "Sở Khoa học và Công nghệ", "Văn phòng Tỉnh ủy"},
        {"Sở Nông nghiệp và Phát triển nông thôn chủ trì, phối hợp với Sở Tài nguyên và Môi trường",
         "Sở Nông nghiệp và Phát triển nông thôn", "Sở Tài nguyên và Môi trường"},
        {"Sở Nội vụ chủ trì; Sở Tài chính phối hợp", "Sở Nội vụ", "Sở Tài chính phối hợp"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t le = 0, ss = 0, len = strlen(cases[i].text);
        assert_true(cd_agency_split_lead_support(test_rules, cases[i].text, len, &le, &ss));
        assert_int_equal(le, strlen(cases[i].lead));
        assert_memory_equal(cases[i].text, cases[i].lead, le);
        assert_string_equal(cases[i].text + ss, cases[i].support);
    }
    /* the gold of seed 004's row: lead, and the support it adds */
    const char *cell = cases[0].text;
    size_t le, ss;
    assert_true(cd_agency_split_lead_support(test_rules, cell, strlen(cell), &le, &ss));
    static const char *const lead[] = {"Sở Khoa học và Công nghệ"};
    static const char *const support[] = {"Công an tỉnh", "Sở Nội vụ", "Văn phòng Ủy ban nhân dân tỉnh"};
    char *l = strndup(cell, le);
    assert_true(split_equals("lead", l, lead, 1));
    assert_true(split_equals("support", cell + ss, support, 3));
    free(l);
    /* the support part of a "Cơ quan phối hợp" cell, and duties, are not lead cells */
    static const char *const no[] = {
        "Phối hợp với Ban Cơ yếu Chính phủ cấp đầy đủ chứng thư số",
        "Công an tỉnh, Sở Nội vụ",
        "Xây dựng kế hoạch và phối hợp với các sở triển khai",
        "",
    };
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_false(cd_agency_split_lead_support(test_rules, no[i], strlen(no[i]), &le, &ss));
}

static void test_looks_like(void **state) {
    (void)state;
    static const char *const yes[] = {
        "Sở Tài chính",
        "Các sở, ban ngành, UBND cấp huyện",
        "Cục Thống kê tỉnh",
        "Chi nhánh Ngân hàng Nhà nước",
        "Văn phòng UBND tỉnh",
        "Công an tỉnh",
        "Đài PTTH tinh",
        "Thanh Tra tỉnh, Sở Khoa học và Công nghệ.",
        "Giám đốc Sở Khoa học và Công nghệ",
        "Thủ trưởng sở, ban, ngành, địa phương",
        "Ủy viên Ban Chỉ đạo",
        "Sở Khoa học và Công nghệ phối hợp với Văn phòng",
        "UBND các xã, phường, đặc khu.",
        "Tỉnh ủy",
        "Ban Quản lý KKT Dung Quất và Các KCN tỉnh; Các địa phương",
        "Liên minh HTX tỉnh",
        "CA tỉnh",
    };
    static const char *const no[] = {
        "Thường xuyên",
        "Quý II/2026",
        "%",
        "Thứ bậc",
        "≥ 80",
        "Xây dựng kế hoạch triển khai chuyển đổi số",
        "Ban hành kế hoạch thực hiện",
        "Trường hợp cần thiết",
        "Hội nghị sơ kết",
        "Báo cáo hàng tháng",
        "Các địa phương tập trung triển khai các giải pháp",
        "Tháng 3/2025",
        "Hằng năm",
        "",
        "  .  ",
        "10.1",
        /* headings and sentences that start like an agency */
        "NHỮNG NỘI DUNG TRỌNG TÂM",
        "UBND tỉnh có ý kiến như sau:",
        "ngành, lĩnh vực, sử dụng công nghệ số",
        "Chính phủ ngày 19 tháng 6 năm 2015",
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (!cd_agency_looks_like(test_rules, yes[i], strlen(yes[i]))) {
            fprintf(stderr, "should look like an agency: \"%s\"\n", yes[i]);
            failed++;
        }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (cd_agency_looks_like(test_rules, no[i], strlen(no[i]))) {
            fprintf(stderr, "should not look like an agency: \"%s\"\n", no[i]);
            failed++;
        }
    assert_int_equal(failed, 0);
}

/* Empty, punctuation-only, NULL and large inputs. */
static void test_hostile(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    static const char *const empty[] = {"", " ", ";;,", ". ; ,", "()", "“”"};
    for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
        cd_agency_list l = {0};
        cd_agency_split(test_rules, empty[i], strlen(empty[i]), &l, &a);
        assert_int_equal(l.n, 0);
    }
    cd_agency_list l0 = {0};
    cd_agency_split(test_rules, NULL, 0, &l0, &a);
    assert_int_equal(l0.n, 0);
    cd_agency_kind kind;
    bool known;
    assert_string_equal(cd_agency_canonical(test_rules, "", 0, &a, &kind, &known), "");
    /* a rule set without agency.rules: no crash, text kept */
    assert_false(cd_agency_looks_like(NULL, "Sở Tài chính", strlen("Sở Tài chính")));

    /* 500 agencies in one cell, joined by ',' / ';' / "và"; an unbalanced
     * parenthesis.  (Linear in the cell: windows and cached states in
     * split_part.) */
    cd_buf b;
    cd_buf_init(&b, &a);
    static const char *const piece[] = {"Sở Tài chính, ", "UBND các xã, phường; ", "Các sở, ban, ngành và "};
    for (int i = 0; i < 500; i++)
        cd_buf_adds(&b, piece[i % 3]);
    cd_buf_adds(&b, "Công an tỉnh");
    cd_agency_list big = {0};
    cd_agency_split(test_rules, b.data, b.len, &big, &a);
    assert_int_equal(big.n, 501);
    assert_string_equal(big.items[500].name, "Công an tỉnh");
    const char *open = "Các cơ quan (trừ Sở Nội vụ, Sở Tài chính; Công an tỉnh";
    cd_agency_list l1 = {0};
    cd_agency_split(test_rules, open, strlen(open), &l1, &a);
    assert_int_equal(l1.n, 1);
    cd_arena_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gold_cells),      cmocka_unit_test(test_more_splits), cmocka_unit_test(test_raw),
        cmocka_unit_test(test_canonical_kinds), cmocka_unit_test(test_split_kinds), cmocka_unit_test(test_lead_support),
        cmocka_unit_test(test_looks_like),      cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, test_rules_setup, test_rules_teardown);
}
