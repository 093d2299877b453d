/* ziputil.h — a zip built in memory from (name, content) pairs, for the
 * unit tests that feed DOCX packages to the reader.  Include after
 * testutil.h (cmocka). */
#ifndef CD_ZIPUTIL_H
#define CD_ZIPUTIL_H
#include <zip.h>

/* parts: name, content, name, content …; the caller frees the result. */
static inline unsigned char *test_zip_parts(const char *const *parts, size_t n_parts, size_t *len) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &err);
    assert_non_null(src);
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
    assert_non_null(z);
    for (size_t i = 0; i + 1 < n_parts; i += 2) {
        zip_source_t *part = zip_source_buffer(z, parts[i + 1], strlen(parts[i + 1]), 0);
        assert_true(zip_file_add(z, parts[i], part, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    assert_int_equal(zip_source_open(src), 0);
    zip_source_seek(src, 0, SEEK_END);
    *len = (size_t)zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    unsigned char *bytes = malloc(*len);
    assert_int_equal(zip_source_read(src, bytes, *len), (zip_int64_t)*len);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&err);
    return bytes;
}

#endif
