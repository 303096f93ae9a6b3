/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Compiler helpers libbpf's bpf_helpers.h does not provide.
 */
#ifndef SRV6_LIB_COMPILER_H
#define SRV6_LIB_COMPILER_H

#include <bpf/bpf_helpers.h>

/* One load the compiler may neither repeat nor drop: for map values user space may rewrite
 * while the program reads them. */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))

#endif /* SRV6_LIB_COMPILER_H */
