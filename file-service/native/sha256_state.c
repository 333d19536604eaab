/*
 * A running SHA-256 whose state can be saved and continued elsewhere: OpenSSL's SHA-256 (the one
 * in the node binary, with the CPU's SHA instructions) behind Node-API. node's own hash cannot
 * export its state, and a wasm SHA-256 that can is six times slower.
 *
 * The live context is an opaque Buffer. A saved state is portable, independent of OpenSSL's
 * struct: a version byte, the eight words of the chaining value (big-endian), the length hashed
 * in bits (big-endian), then the bytes of the unfinished block.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <node_api.h>
#include <openssl/sha.h>
#include <string.h>

#define VERSION 1
#define SAVED_HEAD (1 + 8 * 4 + 8)

/* The bytes of a Buffer or Uint8Array argument. */
static int bytes_of(napi_env env, napi_value value, unsigned char **data, size_t *length) {
  bool is_typed;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, length, (void **)data, &buffer, &offset) != napi_ok) return 0;
  return type == napi_uint8_array;
}

/*
 * The live context in the first of `want` arguments (all of them into argv); NULL, with a
 * TypeError thrown, when an argument is missing or the first is not a context.
 */
static SHA256_CTX *context_arg(napi_env env, napi_callback_info info, napi_value *argv, size_t want,
                               const char *usage) {
  size_t argc = want;
  unsigned char *data;
  size_t length;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < want || !bytes_of(env, argv[0], &data, &length) || length != sizeof(SHA256_CTX)) {
    napi_throw_type_error(env, "ERR_SHA256_STATE", usage);
    return NULL;
  }
  return (SHA256_CTX *)data;
}

/* start(saved?: Uint8Array): Buffer (a live context), or null when `saved` is not a state this reads. */
static napi_value start(napi_env env, napi_callback_info info) {
  napi_value argv[1], out, null;
  size_t argc = 1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_valuetype kind = napi_undefined;
  if (argc > 0) napi_typeof(env, argv[0], &kind);
  void *memory;
  if (napi_create_buffer(env, sizeof(SHA256_CTX), &memory, &out) != napi_ok) return NULL;
  SHA256_CTX *context = memory;
  SHA256_Init(context);
  if (kind == napi_undefined) return out;

  napi_get_null(env, &null);
  unsigned char *saved;
  size_t length;
  if (!bytes_of(env, argv[0], &saved, &length) || length < SAVED_HEAD || length >= SAVED_HEAD + SHA256_CBLOCK ||
      saved[0] != VERSION)
    return null;
  for (int i = 0; i < 8; i++) {
    const unsigned char *word = saved + 1 + 4 * i;
    context->h[i] = (SHA_LONG)word[0] << 24 | (SHA_LONG)word[1] << 16 | (SHA_LONG)word[2] << 8 | word[3];
  }
  unsigned long long bits = 0;
  for (int i = 0; i < 8; i++) bits = bits << 8 | saved[1 + 32 + i];
  size_t tail = length - SAVED_HEAD;
  if (bits % 8 != 0 || (bits / 8) % SHA256_CBLOCK != tail) return null;
  context->Nl = (SHA_LONG)bits;
  context->Nh = (SHA_LONG)(bits >> 32);
  context->num = (unsigned int)tail;
  memcpy(context->data, saved + SAVED_HEAD, tail);
  return out;
}

/* update(context, bytes) */
static napi_value update(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  SHA256_CTX *context = context_arg(env, info, argv, 2, "update(context, bytes)");
  unsigned char *data;
  size_t length;
  if (!context) return NULL;
  if (!bytes_of(env, argv[1], &data, &length)) {
    napi_throw_type_error(env, "ERR_SHA256_STATE", "update(context, bytes)");
    return NULL;
  }
  SHA256_Update(context, data, length);
  return NULL;
}

/* save(context): Buffer, the portable state (the context goes on). */
static napi_value save(napi_env env, napi_callback_info info) {
  napi_value argv[1], out;
  SHA256_CTX *context = context_arg(env, info, argv, 1, "save(context)");
  if (!context) return NULL;
  void *memory;
  if (napi_create_buffer(env, SAVED_HEAD + context->num, &memory, &out) != napi_ok) return NULL;
  unsigned char *saved = memory;
  saved[0] = VERSION;
  for (int i = 0; i < 8; i++)
    for (int b = 0; b < 4; b++) saved[1 + 4 * i + b] = (unsigned char)(context->h[i] >> (24 - 8 * b));
  unsigned long long bits = (unsigned long long)context->Nh << 32 | context->Nl;
  for (int i = 0; i < 8; i++) saved[1 + 32 + i] = (unsigned char)(bits >> (56 - 8 * i));
  memcpy(saved + SAVED_HEAD, context->data, context->num);
  return out;
}

/* digest(context): Buffer of 32 bytes (the context is left as it was). */
static napi_value digest(napi_env env, napi_callback_info info) {
  napi_value argv[1], out;
  SHA256_CTX *context = context_arg(env, info, argv, 1, "digest(context)");
  if (!context) return NULL;
  SHA256_CTX copy = *context;
  void *memory;
  if (napi_create_buffer(env, SHA256_DIGEST_LENGTH, &memory, &out) != napi_ok) return NULL;
  SHA256_Final(memory, &copy);
  return out;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor functions[] = {
      {"start", NULL, start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"update", NULL, update, NULL, NULL, NULL, napi_enumerable, NULL},
      {"save", NULL, save, NULL, NULL, NULL, napi_enumerable, NULL},
      {"digest", NULL, digest, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
