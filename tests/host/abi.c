// SPDX-License-Identifier: GPL-2.0
/*
 * Print the ABI of whichever <linux/acrn.h> the include path finds: size
 * and alignment of every struct and union, offset, size and alignment of
 * every member (nested ones too), value and type (signedness and width) of
 * every constant and ioctl number, all named once in abi_list.h.
 * tests/host/abi.sh builds this against our UAPI header and against the
 * system's upstream one and compares the outputs.
 *
 * Each line is "<group>|<fact>"; abi.sh makes one test of each group.
 */
#include <stddef.h>
#include <stdio.h>
#include <linux/ioctl.h>
#include <linux/acrn.h>

#define ABI_TYPE(t)		type(#t, sizeof(t), __alignof__(t))
#define ABI_ENUM(g, t)		enumeration(#g, #t, sizeof(t), __alignof__(t))
#define ABI_MEMBER(t, m)	({ static t obj; MEMBER(#t, #m, &obj, obj.m); })
#define ABI_CONST(g, c)		CONSTANT(#g, #c, c)
#define ABI_IOCTL(c)		IOCTL_NR(#c, c)

/* Member @e of the object at @base. */
#define MEMBER(tn, mn, base, e)						\
	member(tn, mn, (char *)&(e) - (char *)(base), sizeof(e),	\
	       __alignof__(__typeof__(e)))
#define IS_UNSIGNED(type)	((type)0 < (type)~0)
#define CONSTANT(gn, cn, v)						\
	constant(gn, cn, (unsigned long long)(v),			\
		 IS_UNSIGNED(__typeof__(v)), sizeof(v))
#define IOCTL_NR(cn, v)							\
	ioctl_nr(cn, (unsigned long long)(v), IS_UNSIGNED(__typeof__(v)), \
		 sizeof(v))

static void type(const char *t, size_t size, size_t align)
{
	printf("%s|size %zu align %zu\n", t, size, align);
}

static void member(const char *t, const char *m, ptrdiff_t offset,
		   size_t size, size_t align)
{
	printf("%s|.%s offset %td size %zu align %zu\n", t, m, offset, size,
	       align);
}

static void enumeration(const char *group, const char *t, size_t size,
			size_t align)
{
	printf("const %s|%s size %zu align %zu\n", group, t, size, align);
}

/* The C type of a constant, as u32, s32, u64...: unsigned or not, bits. */
static void constant(const char *group, const char *name,
		     unsigned long long value, int is_unsigned, size_t size)
{
	printf("const %s|%s 0x%llx %c%zu\n", group, name, value,
	       is_unsigned ? 'u' : 's', size * 8);
}

static void ioctl_nr(const char *name, unsigned long long value,
		     int is_unsigned, size_t size)
{
	printf("ioctl %s|0x%llx %c%zu\n", name, value, is_unsigned ? 'u' : 's',
	       size * 8);
}

int main(void)
{
#include "abi_list.h"
	return 0;
}
