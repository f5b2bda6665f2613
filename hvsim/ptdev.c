// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated hypervisor's passthrough devices: the board's PCI
 * devices given to User VMs and the INTx remappings of their interrupts,
 * the board's MMIO devices, and the virtual devices the hypervisor
 * emulates for a VM (ivshmem, vUART, virtual root port).
 *
 * Only the bookkeeping the hypercalls do is modelled, with the checks of
 * Documentation/simulator.rst: a device belongs to one VM at a time, a
 * VM's virtual bus/device/functions are unique, and the limits of a VM's
 * tables. No interrupt flows (the board has no physical interrupts) and
 * passthrough MMIO is not mapped into the VM's EPT (guest memory accesses
 * do not reach passthrough MMIO anyway). Every handler runs under
 * hvsim_vms_lock (hvsim_on_target()), which also covers the scans of the
 * other VMs' devices; an accepted call logs one event, a refused one
 * changes and logs nothing.
 */

#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/overflow.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>

#include "hvsim.h"

/*
 * The simulated board. Passthrough PCI devices: 01:00.0, 01:01.0,
 * 01:02.0 and 01:03.0. MMIO devices: a TPM (CRB interface, five 4 KiB
 * localities) and a GPIO controller. Physical INTx lines: the 24 GSIs of
 * one IOAPIC.
 */
static const struct {
	u16	pcidev[4];
	struct {
		const char	*name;
		u64		base;
		u64		size;
	} mmio[2];
	u32	gsis;
} hvsim_board = {
	.pcidev = { 0x0100, 0x0108, 0x0110, 0x0118 },
	.mmio = {
		{ "TPM",	0xfed40000, 0x5000 },
		{ "GPIO",	0xfe000000, 0x10000 },
	},
	.gsis = 24,
};

/* Virtual devices the hypervisor emulates: PCI vendor and device ids. */
static const struct {
	u16	vendor;
	u16	device;
} hvsim_vdev_ids[] = {
	{ 0x1af4, 0x1110 },	/* ivshmem */
	{ 0x9710, 0x9900 },	/* MCS9900 vUART */
	{ 0x8086, 0x9d14 },	/* virtual root port */
};

/* Pins of a User VM's virtual PIC and virtual IOAPIC */
#define HVSIM_VPIC_PINS		16
#define HVSIM_VIOAPIC_PINS	48

/* "bb:dd.f" and its NUL */
#define HVSIM_BDF_LEN		8

static void hvsim_bdf_fmt(char buf[HVSIM_BDF_LEN], u16 bdf)
{
	snprintf(buf, HVSIM_BDF_LEN, "%02x:%02x.%x", (bdf >> 8) & 0xff,
		 (bdf >> 3) & 0x1f, bdf & 7);
}

static bool hvsim_board_has_pcidev(u16 bdf)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvsim_board.pcidev); i++)
		if (hvsim_board.pcidev[i] == bdf)
			return true;
	return false;
}

/* Index of the VM's PCI device with these addresses, or -1. */
static int hvsim_pcidev_find(const struct hvsim_ptdev_state *pt,
			     u16 virt_bdf, u16 phys_bdf)
{
	int i;

	for (i = 0; i < pt->nr_pcidevs; i++)
		if (pt->pcidev[i].virt_bdf == virt_bdf &&
		    pt->pcidev[i].phys_bdf == phys_bdf)
			return i;
	return -1;
}

/* Whether a PCI device or a virtual device of the VM has this address. */
static bool hvsim_virt_bdf_used(const struct hvsim_ptdev_state *pt, u16 bdf)
{
	unsigned int i;

	for (i = 0; i < pt->nr_pcidevs; i++)
		if (pt->pcidev[i].virt_bdf == bdf)
			return true;
	for (i = 0; i < pt->nr_vdevs; i++)
		if (pt->vdev[i].slot == bdf)
			return true;
	return false;
}

/* Whether any VM has the board's PCI device @bdf. */
static bool hvsim_phys_bdf_assigned(u16 bdf)
{
	unsigned int vmid, i;

	lockdep_assert_held(&hvsim_vms_lock);
	for (vmid = 0; vmid < hvsim_max_vms; vmid++) {
		const struct hvsim_ptdev_state *pt = &hvsim_vms[vmid].ptdev;

		for (i = 0; i < pt->nr_pcidevs; i++)
			if (pt->pcidev[i].phys_bdf == bdf)
				return true;
	}
	return false;
}

/* Index of the VM's INTx remapping of this virtual pin, or -1. */
static int hvsim_intx_find(const struct hvsim_ptdev_state *pt, u32 virt_pin,
			   bool pic)
{
	int i;

	for (i = 0; i < pt->nr_intx; i++)
		if (pt->intx[i].virt_pin == virt_pin && pt->intx[i].pic == pic)
			return i;
	return -1;
}

/* Whether any VM has remapped the board's GSI @gsi. */
static bool hvsim_gsi_remapped(u32 gsi)
{
	unsigned int vmid, i;

	lockdep_assert_held(&hvsim_vms_lock);
	for (vmid = 0; vmid < hvsim_max_vms; vmid++) {
		const struct hvsim_ptdev_state *pt = &hvsim_vms[vmid].ptdev;

		for (i = 0; i < pt->nr_intx; i++)
			if (pt->intx[i].phys_pin == gsi)
				return true;
	}
	return false;
}

/*
 * Remove entry @i of the @*n entries of @size bytes at @arr, keeping the
 * order of the others; the freed entry is zeroed.
 */
static void hvsim_remove(void *arr, size_t size, u8 *n, unsigned int i)
{
	u8 *a = arr;

	memmove(a + i * size, a + (i + 1) * size, (*n - i - 1) * size);
	memset(a + (*n - 1) * size, 0, size);
	(*n)--;
}

static void hvsim_intx_event(struct hvsim_vm *vm, const char *what,
			     unsigned int i)
{
	const struct hvsim_ptdev_state *pt = &vm->ptdev;
	char virt[HVSIM_BDF_LEN], phys[HVSIM_BDF_LEN];

	hvsim_bdf_fmt(virt, pt->intx[i].virt_bdf);
	hvsim_bdf_fmt(phys, pt->intx[i].phys_bdf);
	hvsim_event(vm, "%s virt=%s phys=%s virt_pin=%u phys_pin=%u pic=%u",
		    what, virt, phys, pt->intx[i].virt_pin,
		    pt->intx[i].phys_pin, pt->intx[i].pic);
}

static long hvsim_vm_set_ptdev_intr(struct hvsim_vm *vm, unsigned long hc,
				    unsigned long param2)
{
	struct hvsim_ptdev_state *pt = &vm->ptdev;
	struct acrn_ptdev_irq irq;
	unsigned int i;
	bool pic;

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state != HVSIM_VM_CREATED)
		return ACRN_HV_REFUSED;
	if (hvsim_copy_from_gpa(&irq, param2, sizeof(irq)))
		return -EINVAL;
	if (irq.type != ACRN_PTDEV_IRQ_INTX ||
	    hvsim_pcidev_find(pt, irq.virt_bdf, irq.phys_bdf) < 0)
		return ACRN_HV_REFUSED;
	pic = irq.intx.is_pic_pin;
	if (irq.intx.virt_pin >= (pic ? HVSIM_VPIC_PINS : HVSIM_VIOAPIC_PINS) ||
	    irq.intx.phys_pin >= hvsim_board.gsis)
		return ACRN_HV_REFUSED;
	if (hvsim_intx_find(pt, irq.intx.virt_pin, pic) >= 0 ||
	    hvsim_gsi_remapped(irq.intx.phys_pin) ||
	    pt->nr_intx >= ARRAY_SIZE(pt->intx))
		return ACRN_HV_REFUSED;

	i = pt->nr_intx++;
	pt->intx[i].virt_bdf = irq.virt_bdf;
	pt->intx[i].phys_bdf = irq.phys_bdf;
	pt->intx[i].virt_pin = irq.intx.virt_pin;
	pt->intx[i].phys_pin = irq.intx.phys_pin;
	pt->intx[i].pic = pic;
	hvsim_intx_event(vm, "set_ptdev_intr", i);
	return 0;
}

/**
 * hvsim_hc_set_ptdev_intr() - HC_SET_PTDEV_INTR handler
 * @param1: vmid.
 * @param2: Physical address of a &struct acrn_ptdev_irq.
 *
 * Remaps a physical INTx pin (a GSI of the board) of a PCI device the VM
 * has to one of the VM's virtual IOAPIC or PIC pins. A virtual pin and a
 * GSI may be remapped once.
 *
 * Context: Any context.
 * Return: 0; -1 unless the VM is created, for a type other than INTx, a
 * device the VM does not have, a pin out of range or already remapped,
 * or a full table; -EINVAL for unreadable memory; -ENOTTY for a bad
 * target.
 */
long hvsim_hc_set_ptdev_intr(unsigned long param1, unsigned long param2)
{
	return hvsim_on_target(HC_SET_PTDEV_INTR, param1, param2,
			       hvsim_vm_set_ptdev_intr);
}

static long hvsim_vm_reset_ptdev_intr(struct hvsim_vm *vm, unsigned long hc,
				      unsigned long param2)
{
	struct hvsim_ptdev_state *pt = &vm->ptdev;
	struct acrn_ptdev_irq irq;
	int i;

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state != HVSIM_VM_CREATED && vm->state != HVSIM_VM_PAUSED)
		return ACRN_HV_REFUSED;
	if (hvsim_copy_from_gpa(&irq, param2, sizeof(irq)))
		return -EINVAL;
	if (irq.type != ACRN_PTDEV_IRQ_INTX)
		return ACRN_HV_REFUSED;
	i = hvsim_intx_find(pt, irq.intx.virt_pin, irq.intx.is_pic_pin);
	if (i < 0 || pt->intx[i].virt_bdf != irq.virt_bdf ||
	    pt->intx[i].phys_bdf != irq.phys_bdf)
		return ACRN_HV_REFUSED;

	hvsim_intx_event(vm, "reset_ptdev_intr", i);
	hvsim_remove(pt->intx, sizeof(pt->intx[0]), &pt->nr_intx, i);
	return 0;
}

/**
 * hvsim_hc_reset_ptdev_intr() - HC_RESET_PTDEV_INTR handler
 * @param1: vmid.
 * @param2: Physical address of a &struct acrn_ptdev_irq.
 *
 * Removes the INTx remapping of a virtual pin; the device and the pin
 * must be those it was set with (the physical pin is not looked at).
 *
 * Context: Any context.
 * Return: 0; -1 unless the VM is created or paused, for a type other
 * than INTx or a remapping the VM does not have; -EINVAL for unreadable
 * memory; -ENOTTY for a bad target.
 */
long hvsim_hc_reset_ptdev_intr(unsigned long param1, unsigned long param2)
{
	return hvsim_on_target(HC_RESET_PTDEV_INTR, param1, param2,
			       hvsim_vm_reset_ptdev_intr);
}

static long hvsim_vm_assign_pcidev(struct hvsim_vm *vm, unsigned long hc,
				   unsigned long param2)
{
	struct hvsim_ptdev_state *pt = &vm->ptdev;
	char virt[HVSIM_BDF_LEN], phys[HVSIM_BDF_LEN];
	struct acrn_pcidev pd;
	unsigned int i;

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state != HVSIM_VM_CREATED)
		return -EINVAL;
	if (hvsim_copy_from_gpa(&pd, param2, sizeof(pd)))
		return -EINVAL;
	if (!hvsim_board_has_pcidev(pd.phys_bdf) ||
	    hvsim_phys_bdf_assigned(pd.phys_bdf) || !pd.virt_bdf ||
	    hvsim_virt_bdf_used(pt, pd.virt_bdf) ||
	    pt->nr_pcidevs >= ARRAY_SIZE(pt->pcidev))
		return -EINVAL;

	i = pt->nr_pcidevs++;
	pt->pcidev[i].virt_bdf = pd.virt_bdf;
	pt->pcidev[i].phys_bdf = pd.phys_bdf;
	pt->pcidev[i].type = pd.type;
	pt->pcidev[i].intr_line = pd.intr_line;
	pt->pcidev[i].intr_pin = pd.intr_pin;
	hvsim_bdf_fmt(virt, pd.virt_bdf);
	hvsim_bdf_fmt(phys, pd.phys_bdf);
	hvsim_event(vm, "assign_pcidev virt=%s phys=%s type=0x%x line=%u pin=%u",
		    virt, phys, pd.type, pd.intr_line, pd.intr_pin);
	return 0;
}

/**
 * hvsim_hc_assign_pcidev() - HC_ASSIGN_PCIDEV handler
 * @param1: vmid.
 * @param2: Physical address of a &struct acrn_pcidev.
 *
 * Passes one of the board's PCI devices through to the VM, at a virtual
 * bus/device/function other than 00:00.0 that none of the VM's PCI or
 * virtual devices has.
 *
 * Context: Any context.
 * Return: 0; -EINVAL unless the VM is created, for unreadable memory, a
 * device the board does not have or some VM already has, a virtual
 * address that is 00:00.0 or in use, or a full table; -ENOTTY for a bad
 * target.
 */
long hvsim_hc_assign_pcidev(unsigned long param1, unsigned long param2)
{
	return hvsim_on_target(HC_ASSIGN_PCIDEV, param1, param2,
			       hvsim_vm_assign_pcidev);
}

static long hvsim_vm_deassign_pcidev(struct hvsim_vm *vm, unsigned long hc,
				     unsigned long param2)
{
	struct hvsim_ptdev_state *pt = &vm->ptdev;
	char virt[HVSIM_BDF_LEN], phys[HVSIM_BDF_LEN];
	struct acrn_pcidev pd;
	int i;

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state != HVSIM_VM_CREATED && vm->state != HVSIM_VM_PAUSED)
		return -EINVAL;
	if (hvsim_copy_from_gpa(&pd, param2, sizeof(pd)))
		return -EINVAL;
	i = hvsim_pcidev_find(pt, pd.virt_bdf, pd.phys_bdf);
	if (i < 0)
		return -EINVAL;

	hvsim_remove(pt->pcidev, sizeof(pt->pcidev[0]), &pt->nr_pcidevs, i);
	for (i = pt->nr_intx - 1; i >= 0; i--)
		if (pt->intx[i].virt_bdf == pd.virt_bdf &&
		    pt->intx[i].phys_bdf == pd.phys_bdf)
			hvsim_remove(pt->intx, sizeof(pt->intx[0]), &pt->nr_intx, i);
	hvsim_bdf_fmt(virt, pd.virt_bdf);
	hvsim_bdf_fmt(phys, pd.phys_bdf);
	hvsim_event(vm, "deassign_pcidev virt=%s phys=%s", virt, phys);
	return 0;
}

/**
 * hvsim_hc_deassign_pcidev() - HC_DEASSIGN_PCIDEV handler
 * @param1: vmid.
 * @param2: Physical address of a &struct acrn_pcidev.
 *
 * Takes a PCI device back from the VM, with the INTx remappings of its
 * interrupts that are left. The device is found by its virtual and
 * physical bus/device/function.
 *
 * Context: Any context.
 * Return: 0; -EINVAL unless the VM is created or paused, for unreadable
 * memory or a device the VM does not have; -ENOTTY for a bad target.
 */
long hvsim_hc_deassign_pcidev(unsigned long param1, unsigned long param2)
{
	return hvsim_on_target(HC_DEASSIGN_PCIDEV, param1, param2,
			       hvsim_vm_deassign_pcidev);
}

/* Whether [@a, @a_last] and [@b, @b_last] overlap. */
static bool hvsim_ranges_overlap(u64 a, u64 a_last, u64 b, u64 b_last)
{
	return a <= b_last && b <= a_last;
}

/* Whether [@hpa, @last] is inside one of the board's MMIO windows. */
static bool hvsim_board_has_mmio(u64 hpa, u64 last)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvsim_board.mmio); i++)
		if (hpa >= hvsim_board.mmio[i].base &&
		    last <= hvsim_board.mmio[i].base +
			    hvsim_board.mmio[i].size - 1)
			return true;
	return false;
}

/* Whether any VM has a resource overlapping [@hpa, @last]. */
static bool hvsim_mmio_given(u64 hpa, u64 last)
{
	unsigned int vmid, i, r;

	lockdep_assert_held(&hvsim_vms_lock);
	for (vmid = 0; vmid < hvsim_max_vms; vmid++) {
		const struct hvsim_ptdev_state *pt = &hvsim_vms[vmid].ptdev;

		for (i = 0; i < pt->nr_mmiodevs; i++) {
			for (r = 0; r < ACRN_MMIODEV_RES_NUM; r++) {
				u64 base = pt->mmiodev[i].res[r].hpa;
				u64 size = pt->mmiodev[i].res[r].size;

				if (size && hvsim_ranges_overlap(hpa, last, base,
								 base + size - 1))
					return true;
			}
		}
	}
	return false;
}

/* Whether resource @r of @md may be given to a VM. */
static bool hvsim_mmio_res_valid(const struct acrn_mmiodev *md, unsigned int r)
{
	u64 gpa = md->res[r].user_vm_pa, hpa = md->res[r].service_vm_pa;
	u64 size = md->res[r].size, gpa_last, hpa_last;
	unsigned int o;

	if (!IS_ALIGNED(gpa | hpa | size, SZ_4K) ||
	    check_add_overflow(gpa, size - 1, &gpa_last) ||
	    check_add_overflow(hpa, size - 1, &hpa_last))
		return false;
	if (!hvsim_board_has_mmio(hpa, hpa_last) ||
	    hvsim_mmio_given(hpa, hpa_last))
		return false;
	/* Nor may the resources of one device overlap. */
	for (o = 0; o < r; o++)
		if (md->res[o].size &&
		    hvsim_ranges_overlap(hpa, hpa_last, md->res[o].service_vm_pa,
					 md->res[o].service_vm_pa +
					 md->res[o].size - 1))
			return false;
	return true;
}

/*
 * The device's name for an event: up to 8 bytes, to a NUL, bytes that
 * are not printable ASCII, and spaces, as '?' (a value has no spaces).
 */
static void hvsim_mmio_name(char name[9], const u8 *raw)
{
	unsigned int i;

	for (i = 0; i < 8 && raw[i]; i++)
		name[i] = raw[i] > ' ' && raw[i] < 0x7f ? raw[i] : '?';
	name[i] = '\0';
}

static long hvsim_vm_assign_mmiodev(struct hvsim_vm *vm, unsigned long hc,
				    unsigned long param2)
{
	struct hvsim_ptdev_state *pt = &vm->ptdev;
	char text[HVSIM_EVENT_TEXT], name[9];
	struct acrn_mmiodev md;
	unsigned int i, r, n = 0;
	size_t len;

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state != HVSIM_VM_CREATED)
		return -EINVAL;
	if (hvsim_copy_from_gpa(&md, param2, sizeof(md)))
		return -EINVAL;
	if (pt->nr_mmiodevs >= ARRAY_SIZE(pt->mmiodev))
		return -EINVAL;
	for (r = 0; r < ACRN_MMIODEV_RES_NUM; r++) {
		if (!md.res[r].size)
			continue;
		if (!hvsim_mmio_res_valid(&md, r))
			return -EINVAL;
		n++;
	}
	if (!n)
		return -EINVAL;

	i = pt->nr_mmiodevs++;
	memcpy(pt->mmiodev[i].name, md.name, sizeof(md.name));
	for (r = 0; r < ACRN_MMIODEV_RES_NUM; r++) {
		if (!md.res[r].size)
			continue;
		pt->mmiodev[i].res[r].gpa = md.res[r].user_vm_pa;
		pt->mmiodev[i].res[r].hpa = md.res[r].service_vm_pa;
		pt->mmiodev[i].res[r].size = md.res[r].size;
	}

	hvsim_mmio_name(name, md.name);
	len = scnprintf(text, sizeof(text),
			"assign_mmiodev name=%s gpa=0x%llx hpa=0x%llx size=0x%llx",
			name, md.res[0].user_vm_pa, md.res[0].service_vm_pa,
			md.res[0].size);
	for (r = 1; r < ACRN_MMIODEV_RES_NUM; r++)
		if (md.res[r].size)
			len += scnprintf(text + len, sizeof(text) - len,
					 " gpa%u=0x%llx hpa%u=0x%llx size%u=0x%llx",
					 r, md.res[r].user_vm_pa,
					 r, md.res[r].service_vm_pa,
					 r, md.res[r].size);
	hvsim_event(vm, "%s", text);
	return 0;
}

/**
 * hvsim_hc_assign_mmiodev() - HC_ASSIGN_MMIODEV handler
 * @param1: vmid.
 * @param2: Physical address of a &struct acrn_mmiodev.
 *
 * Passes MMIO ranges of the board through to the VM: each resource with
 * a size has 4 KiB aligned addresses and size, does not wrap, lies inside
 * one of the board's MMIO windows and overlaps no range any VM has (nor
 * another resource of the device); at least one resource has a size.
 * The ranges are not mapped into the VM's EPT.
 *
 * Context: Any context.
 * Return: 0; -EINVAL unless the VM is created, for unreadable memory, a
 * resource that breaks a rule, no resource or a full table; -ENOTTY for
 * a bad target.
 */
long hvsim_hc_assign_mmiodev(unsigned long param1, unsigned long param2)
{
	return hvsim_on_target(HC_ASSIGN_MMIODEV, param1, param2,
			       hvsim_vm_assign_mmiodev);
}

/* Whether the VM's device @i has exactly the resources of @md. */
static bool hvsim_mmiodev_matches(const struct hvsim_ptdev_state *pt,
				  unsigned int i, const struct acrn_mmiodev *md)
{
	unsigned int r;

	for (r = 0; r < ACRN_MMIODEV_RES_NUM; r++) {
		if (pt->mmiodev[i].res[r].size != md->res[r].size)
			return false;
		if (md->res[r].size &&
		    (pt->mmiodev[i].res[r].gpa != md->res[r].user_vm_pa ||
		     pt->mmiodev[i].res[r].hpa != md->res[r].service_vm_pa))
			return false;
	}
	return true;
}

static long hvsim_vm_deassign_mmiodev(struct hvsim_vm *vm, unsigned long hc,
				      unsigned long param2)
{
	struct hvsim_ptdev_state *pt = &vm->ptdev;
	struct acrn_mmiodev md;
	char name[9];
	int i;

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state != HVSIM_VM_CREATED && vm->state != HVSIM_VM_PAUSED)
		return -EINVAL;
	if (hvsim_copy_from_gpa(&md, param2, sizeof(md)))
		return -EINVAL;
	for (i = 0; i < pt->nr_mmiodevs; i++)
		if (hvsim_mmiodev_matches(pt, i, &md))
			break;
	if (i == pt->nr_mmiodevs)
		return -EINVAL;

	hvsim_mmio_name(name, pt->mmiodev[i].name);
	hvsim_event(vm, "deassign_mmiodev name=%s gpa=0x%llx hpa=0x%llx size=0x%llx",
		    name, pt->mmiodev[i].res[0].gpa, pt->mmiodev[i].res[0].hpa,
		    pt->mmiodev[i].res[0].size);
	hvsim_remove(pt->mmiodev, sizeof(pt->mmiodev[0]), &pt->nr_mmiodevs, i);
	return 0;
}

/**
 * hvsim_hc_deassign_mmiodev() - HC_DEASSIGN_MMIODEV handler
 * @param1: vmid.
 * @param2: Physical address of a &struct acrn_mmiodev.
 *
 * Takes an MMIO device back from the VM: the device whose resources have
 * the addresses and sizes of @param2's (resources of size 0 are unused,
 * their addresses are not looked at; neither are the name and mem_type).
 *
 * Context: Any context.
 * Return: 0; -EINVAL unless the VM is created or paused, for unreadable
 * memory or resources the VM does not have; -ENOTTY for a bad target.
 */
long hvsim_hc_deassign_mmiodev(unsigned long param1, unsigned long param2)
{
	return hvsim_on_target(HC_DEASSIGN_MMIODEV, param1, param2,
			       hvsim_vm_deassign_mmiodev);
}

/* Whether the hypervisor emulates the device @id (id.value). */
static bool hvsim_vdev_known(u64 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvsim_vdev_ids); i++)
		if (id == ((u64)hvsim_vdev_ids[i].device << 16 |
			   hvsim_vdev_ids[i].vendor))
			return true;
	return false;
}

static void hvsim_vdev_event(struct hvsim_vm *vm, const char *what, u64 id,
			     u16 slot)
{
	char bdf[HVSIM_BDF_LEN];

	hvsim_bdf_fmt(bdf, slot);
	hvsim_event(vm, "%s id=%04x:%04x slot=%s", what, (u32)(id & 0xffff),
		    (u32)((id >> 16) & 0xffff), bdf);
}

/* The fields of struct acrn_vdev the hypervisor looks at. */
struct hvsim_vdev_req {
	u64	id;
	u64	slot;
};

static int hvsim_vdev_read(struct hvsim_vdev_req *req, u64 gpa)
{
	struct acrn_vdev vdev;

	if (hvsim_copy_from_gpa(&vdev, gpa, sizeof(vdev)))
		return -EINVAL;
	/* id.value as little-endian vendor, device, legacy id */
	req->id = le16_to_cpu(vdev.id.fields.vendor) |
		  (u64)le16_to_cpu(vdev.id.fields.device) << 16 |
		  (u64)le32_to_cpu(vdev.id.fields.legacy_id) << 32;
	req->slot = vdev.slot;
	return 0;
}

static long hvsim_vm_create_vdev(struct hvsim_vm *vm, unsigned long hc,
				 unsigned long param2)
{
	struct hvsim_ptdev_state *pt = &vm->ptdev;
	struct hvsim_vdev_req req;
	unsigned int i;

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state != HVSIM_VM_CREATED)
		return -EINVAL;
	if (hvsim_vdev_read(&req, param2))
		return -EINVAL;
	if (!hvsim_vdev_known(req.id) || !req.slot || req.slot > U16_MAX ||
	    hvsim_virt_bdf_used(pt, req.slot) ||
	    pt->nr_vdevs >= ARRAY_SIZE(pt->vdev))
		return -EINVAL;

	i = pt->nr_vdevs++;
	pt->vdev[i].id = req.id;
	pt->vdev[i].slot = req.slot;
	hvsim_vdev_event(vm, "create_vdev", req.id, req.slot);
	return 0;
}

/**
 * hvsim_hc_create_vdev() - HC_CREATE_VDEV handler
 * @param1: vmid.
 * @param2: Physical address of a &struct acrn_vdev.
 *
 * Creates a device the hypervisor emulates for the VM: an ivshmem
 * (1af4:1110), an MCS9900 vUART (9710:9900) or a virtual root port
 * (8086:9d14), at a slot (bus/device/function in bits 15:0) other than
 * 00:00.0 that none of the VM's PCI or virtual devices has.
 *
 * Context: Any context.
 * Return: 0; -EINVAL unless the VM is created, for unreadable memory,
 * another id, a slot that is 00:00.0, has bits 63:16 set or is in use,
 * or a full table; -ENOTTY for a bad target.
 */
long hvsim_hc_create_vdev(unsigned long param1, unsigned long param2)
{
	return hvsim_on_target(HC_CREATE_VDEV, param1, param2,
			       hvsim_vm_create_vdev);
}

static long hvsim_vm_destroy_vdev(struct hvsim_vm *vm, unsigned long hc,
				  unsigned long param2)
{
	struct hvsim_ptdev_state *pt = &vm->ptdev;
	struct hvsim_vdev_req req;
	int i;

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state != HVSIM_VM_CREATED && vm->state != HVSIM_VM_PAUSED)
		return -EINVAL;
	if (hvsim_vdev_read(&req, param2))
		return -EINVAL;
	for (i = 0; i < pt->nr_vdevs; i++)
		if (pt->vdev[i].slot == req.slot)
			break;
	if (i == pt->nr_vdevs)
		return -EINVAL;

	hvsim_vdev_event(vm, "destroy_vdev", pt->vdev[i].id, pt->vdev[i].slot);
	hvsim_remove(pt->vdev, sizeof(pt->vdev[0]), &pt->nr_vdevs, i);
	return 0;
}

/**
 * hvsim_hc_destroy_vdev() - HC_DESTROY_VDEV handler
 * @param1: vmid.
 * @param2: Physical address of a &struct acrn_vdev.
 *
 * Destroys the VM's virtual device at the slot of @param2 (its id is not
 * looked at).
 *
 * Context: Any context.
 * Return: 0; -EINVAL unless the VM is created or paused, for unreadable
 * memory or a slot without a virtual device; -ENOTTY for a bad target.
 */
long hvsim_hc_destroy_vdev(unsigned long param1, unsigned long param2)
{
	return hvsim_on_target(HC_DESTROY_VDEV, param1, param2,
			       hvsim_vm_destroy_vdev);
}

/**
 * hvsim_ptdev_intr_data() - the interrupt monitor's data of a VM
 * @vm:	 The VM.
 * @buf: Where to write the data.
 * @cnt: Entries @buf has room for.
 *
 * For each INTx remapping of the VM, in the order they were set, writes
 * a pair: the virtual source ((virt_bdf << 16) | (pic << 8) | virt_pin)
 * and its interrupt count, 0 (the board has no physical interrupts). A
 * pair that does not fit in @cnt entries is left out.
 *
 * Context: Any context; hvsim_vms_lock held.
 * Return: The entries written, two per pair.
 */
u32 hvsim_ptdev_intr_data(struct hvsim_vm *vm, u64 *buf, u32 cnt)
{
	const struct hvsim_ptdev_state *pt = &vm->ptdev;
	u32 k;

	lockdep_assert_held(&hvsim_vms_lock);
	for (k = 0; k < pt->nr_intx && 2 * k + 2 <= cnt; k++) {
		buf[2 * k] = (u64)pt->intx[k].virt_bdf << 16 |
			     (u64)pt->intx[k].pic << 8 | pt->intx[k].virt_pin;
		buf[2 * k + 1] = 0;
	}
	return 2 * k;
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_ptdev_intr_data);
