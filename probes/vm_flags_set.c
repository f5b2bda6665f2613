// SPDX-License-Identifier: GPL-2.0
/*
 * vm_flags_set() came in v6.3, bc292ab00f6c "mm: introduce
 * vma->vm_flags wrapper functions" (Suren Baghdasaryan), when
 * vma->vm_flags became read-only to drivers. 6.1 writes the field.
 */
#include <linux/mm.h>

void probe(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_PFNMAP);
}
