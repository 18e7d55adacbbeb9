// wordcount: a wasi-command driver. Reads its input on stdin and answers with a JSON
// object of its byte, line and word counts on stdout; says what it counted on stderr
// (the kernel's log line for the call). Words are runs of non-whitespace bytes.
#include <ctype.h>
#include <stdio.h>

int main(void) {
  unsigned char buf[4096];
  unsigned long bytes = 0, lines = 0, words = 0;
  int in_word = 0;
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
    for (size_t i = 0; i < n; i++) {
      bytes++;
      if (buf[i] == '\n') lines++;
      if (isspace(buf[i])) in_word = 0;
      else if (!in_word) in_word = 1, words++;
    }
  }
  if (ferror(stdin)) {
    fprintf(stderr, "wordcount: could not read stdin\n");
    return 2;
  }
  printf("{\"bytes\":%lu,\"lines\":%lu,\"words\":%lu}\n", bytes, lines, words);
  fprintf(stderr, "wordcount: %lu words in %lu bytes\n", words, bytes);
  return 0;
}
