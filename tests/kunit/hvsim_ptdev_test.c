// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the simulated hypervisor's passthrough and virtual
 * devices (hvsim/ptdev.c): ASSIGN/DEASSIGN_PCIDEV, SET/RESET_PTDEV_INTR,
 * ASSIGN/DEASSIGN_MMIODEV, CREATE/DESTROY_VDEV and the interrupt
 * monitor's data, against the rules of Documentation/simulator.rst.
 *
 * Each script runs on two VMs of its own, A and B, both created for it
 * (and destroyed after it); a step is a hypercall with its payload in
 * kmalloc memory (its physical address as the HSM passes it), the answer
 * it must get and, if accepted, the one event it must log. After every
 * step the runner checks the rule all the hypercalls share: a refused
 * call changes neither VM's device state and logs nothing; an accepted
 * one logs exactly one event, in its target's slot. Like the other
 * simulator suites they run after acrn_hvsim's module_init
 * (hvsim_kunit.h).
 */

#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/processor.h>

#include "../../hvsim/hvsim.h"
#include "hvsim_kunit.h"

#define REFUSED		ACRN_HV_REFUSED

/* The board's passthrough PCI devices, and virtual addresses */
#define P0		0x0100		/* 01:00.0 */
#define P1		0x0108		/* 01:01.0 */
#define P2		0x0110		/* 01:02.0 */
#define P3		0x0118		/* 01:03.0 */
#define V1		0x0008		/* 00:01.0 */
#define V2		0x0010		/* 00:02.0 */
#define V3		0x0018		/* 00:03.0 */
#define V4		0x0020		/* 00:04.0 */

/* The board's MMIO windows */
#define TPM		0xfed40000ULL	/* 0x5000 bytes */
#define GPIO		0xfe000000ULL	/* 0x10000 bytes */
#define PG		0x1000ULL

/* Virtual device ids (id.value) */
#define ID(vendor, device)	((u64)(device) << 16 | (vendor))
#define IVSHMEM		ID(0x1af4, 0x1110)
#define VUART		ID(0x9710, 0x9900)
#define RPORT		ID(0x8086, 0x9d14)

/* Target of a step */
enum { A, B };

/* Steps that are not hypercalls */
#define CHECK_INTR	1	/* hvsim_ptdev_intr_data(): .ret entries */
#define CHECK_EMPTY	2	/* the VM has no device state at all */
#define RECREATE	3	/* create the VM again (after DESTROY_VM) */

struct step {
	unsigned long hc;
	u8 vm;
	bool bad_gpa;	/* payload address that is not RAM */
	union {
		struct {
			u32 type;
			u16 virt;
			u16 phys;
			u32 vpin;
			u32 ppin;
			u32 pic;
		} irq;
		struct {
			u32 type;
			u16 virt;
			u16 phys;
			u8 line;
			u8 pin;
		} pci;
		struct {
			const char *name;
			struct {
				u64 gpa;
				u64 hpa;
				u64 size;
			} res[ACRN_MMIODEV_RES_NUM];
		} mmio;
		struct {
			u64 id;
			u64 slot;
		} vdev;
		struct {
			u32 cnt;
			const u64 *data;
		} intr;
	};
	long ret;
	const char *event;	/* the event of an accepted call */
};

#define LIFE(h, v, r)	{ .hc = (h), .vm = (v), .ret = (r) }
#define START(v)	LIFE(HC_START_VM, v, 0)
#define PAUSE(v)	LIFE(HC_PAUSE_VM, v, 0)
#define RESET(v)	LIFE(HC_RESET_VM, v, 0)
#define DESTROY(v)	LIFE(HC_DESTROY_VM, v, 0)

#define PCI(h, v, vb, pb, r, e)						\
	{ .hc = (h), .vm = (v), .pci = { .virt = (vb), .phys = (pb) },	\
	  .ret = (r), .event = (e) }
#define ASSIGN(v, vb, pb, r, e)		PCI(HC_ASSIGN_PCIDEV, v, vb, pb, r, e)
#define DEASSIGN(v, vb, pb, r, e)	PCI(HC_DEASSIGN_PCIDEV, v, vb, pb, r, e)

#define INTX(h, v, vb, pb, vp, pp, pc, r, e)				\
	{ .hc = (h), .vm = (v),						\
	  .irq = { .virt = (vb), .phys = (pb), .vpin = (vp),		\
		   .ppin = (pp), .pic = (pc) },				\
	  .ret = (r), .event = (e) }
#define SET(v, vb, pb, vp, pp, pc, r, e)				\
	INTX(HC_SET_PTDEV_INTR, v, vb, pb, vp, pp, pc, r, e)
#define UNSET(v, vb, pb, vp, pp, pc, r, e)				\
	INTX(HC_RESET_PTDEV_INTR, v, vb, pb, vp, pp, pc, r, e)

#define MMIO(h, v, n, g, hp, s, r, e)					\
	{ .hc = (h), .vm = (v),						\
	  .mmio = { .name = (n), .res = { { (g), (hp), (s) } } },	\
	  .ret = (r), .event = (e) }
#define MAP(v, n, g, hp, s, r, e)	MMIO(HC_ASSIGN_MMIODEV, v, n, g, hp, s, r, e)
#define UNMAP(v, n, g, hp, s, r, e)	MMIO(HC_DEASSIGN_MMIODEV, v, n, g, hp, s, r, e)

#define VDEV(h, v, i, sl, r, e)						\
	{ .hc = (h), .vm = (v), .vdev = { .id = (i), .slot = (sl) },	\
	  .ret = (r), .event = (e) }
#define NEW(v, i, sl, r, e)		VDEV(HC_CREATE_VDEV, v, i, sl, r, e)
#define DEL(v, i, sl, r, e)		VDEV(HC_DESTROY_VDEV, v, i, sl, r, e)

#define INTR(v, n, d, r)						\
	{ .hc = CHECK_INTR, .vm = (v), .intr = { .cnt = (n), .data = (d) }, \
	  .ret = (r) }

/* Events of the steps that come back */
#define EV_V1_P0	"assign_pcidev virt=00:01.0 phys=01:00.0 type=0x0 line=0 pin=0"
#define EV_V2_P1	"assign_pcidev virt=00:02.0 phys=01:01.0 type=0x0 line=0 pin=0"
#define EV_V3_P2	"assign_pcidev virt=00:03.0 phys=01:02.0 type=0x0 line=0 pin=0"
#define EV_V1_P1	"assign_pcidev virt=00:01.0 phys=01:01.0 type=0x0 line=0 pin=0"
#define EV_DV1_P0	"deassign_pcidev virt=00:01.0 phys=01:00.0"
#define EV_TPM0		"assign_mmiodev name=TPM gpa=0xfed40000 hpa=0xfed40000 size=0x1000"
#define EV_TPM1		"assign_mmiodev name=TPM gpa=0xfed41000 hpa=0xfed41000 size=0x1000"
#define EV_UTPM0	"deassign_mmiodev name=TPM gpa=0xfed40000 hpa=0xfed40000 size=0x1000"

/* The intx_* events of V1/P0 with pins @vp, @pp and PIC flag @pc */
#define SET_V1(v, vp, pp, pc, r)					\
	SET(v, V1, P0, vp, pp, pc, r,					\
	    "set_ptdev_intr virt=00:01.0 phys=01:00.0 virt_pin=" #vp	\
	    " phys_pin=" #pp " pic=" #pc)
#define UNSET_V1(v, vp, pp, pc, r)					\
	UNSET(v, V1, P0, vp, pp, pc, r,					\
	      "reset_ptdev_intr virt=00:01.0 phys=01:00.0 virt_pin=" #vp \
	      " phys_pin=" #pp " pic=" #pc)

static const struct step pcidev_assign[] = {
	{ .hc = HC_ASSIGN_PCIDEV, .vm = A,
	  .pci = { .type = ACRN_PTDEV_QUIRK_ASSIGN, .virt = V1, .phys = P0,
		   .line = 10, .pin = 1 },
	  .event = "assign_pcidev virt=00:01.0 phys=01:00.0 type=0x1 line=10 pin=1" },
	ASSIGN(A, V2, P1, 0, EV_V2_P1),
	ASSIGN(A, V3, P2, 0, EV_V3_P2),
	{ .hc = HC_ASSIGN_PCIDEV, .vm = A,
	  .pci = { .virt = 0xff0f, .phys = P3, .line = 255, .pin = 4 },
	  .event = "assign_pcidev virt=ff:01.7 phys=01:03.0 type=0x0 line=255 pin=4" },
	/* The board has no more. */
	ASSIGN(A, V4, 0x0120, -EINVAL, NULL),
	{}
};

static const struct step pcidev_unknown[] = {
	ASSIGN(A, V1, 0x0000, -EINVAL, NULL),
	ASSIGN(A, V1, 0x0101, -EINVAL, NULL),	/* 01:00.1 */
	ASSIGN(A, V1, 0x0120, -EINVAL, NULL),	/* 01:04.0 */
	ASSIGN(A, V1, 0x0200, -EINVAL, NULL),	/* 02:00.0 */
	ASSIGN(A, V1, 0xffff, -EINVAL, NULL),
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	{}
};

static const struct step pcidev_state[] = {
	START(A),
	ASSIGN(A, V1, P0, -EINVAL, NULL),
	PAUSE(A),
	ASSIGN(A, V1, P0, -EINVAL, NULL),
	RESET(A),
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	START(A),
	DEASSIGN(A, V1, P0, -EINVAL, NULL),
	PAUSE(A),
	DEASSIGN(A, V1, P0, 0, EV_DV1_P0),
	{}
};

static const struct step pcidev_other_vm[] = {
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	ASSIGN(B, V1, P0, -EINVAL, NULL),
	ASSIGN(B, V2, P0, -EINVAL, NULL),
	/* Nor twice to the same VM */
	ASSIGN(A, V2, P0, -EINVAL, NULL),
	/* Virtual addresses are per VM */
	ASSIGN(B, V1, P1, 0, EV_V1_P1),
	DEASSIGN(B, V1, P0, -EINVAL, NULL),
	DEASSIGN(A, V1, P0, 0, EV_DV1_P0),
	ASSIGN(B, V2, P0, 0,
	       "assign_pcidev virt=00:02.0 phys=01:00.0 type=0x0 line=0 pin=0"),
	{}
};

static const struct step pcidev_virt_bdf[] = {
	ASSIGN(A, 0x0000, P0, -EINVAL, NULL),
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	ASSIGN(A, V1, P1, -EINVAL, NULL),
	NEW(A, IVSHMEM, V2, 0, "create_vdev id=1af4:1110 slot=00:02.0"),
	ASSIGN(A, V2, P1, -EINVAL, NULL),
	NEW(A, VUART, V1, -EINVAL, NULL),
	ASSIGN(A, V3, P1, 0,
	       "assign_pcidev virt=00:03.0 phys=01:01.0 type=0x0 line=0 pin=0"),
	/* Freed addresses can be used again, by the other kind too */
	DEL(A, IVSHMEM, V2, 0, "destroy_vdev id=1af4:1110 slot=00:02.0"),
	ASSIGN(A, V2, P2, 0,
	       "assign_pcidev virt=00:02.0 phys=01:02.0 type=0x0 line=0 pin=0"),
	DEASSIGN(A, V1, P0, 0, EV_DV1_P0),
	NEW(A, VUART, V1, 0, "create_vdev id=9710:9900 slot=00:01.0"),
	{}
};

static const struct step pcidev_deassign[] = {
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	DEASSIGN(A, V2, P0, -EINVAL, NULL),
	DEASSIGN(A, V1, P1, -EINVAL, NULL),
	DEASSIGN(A, V2, P1, -EINVAL, NULL),
	DEASSIGN(B, V1, P0, -EINVAL, NULL),
	DEASSIGN(A, V1, P0, 0, EV_DV1_P0),
	DEASSIGN(A, V1, P0, -EINVAL, NULL),
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	{}
};

static const u64 intr_v2_7[] = { V2 << 16 | 7, 0, V2 << 16 | 5, 0 };

static const struct step pcidev_deassign_intx[] = {
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	ASSIGN(A, V2, P1, 0, EV_V2_P1),
	SET_V1(A, 5, 5, 0, 0),
	SET(A, V2, P1, 7, 7, 0, 0,
	    "set_ptdev_intr virt=00:02.0 phys=01:01.0 virt_pin=7 phys_pin=7 pic=0"),
	SET_V1(A, 6, 6, 1, 0),
	DEASSIGN(A, V1, P0, 0, EV_DV1_P0),
	UNSET(A, V1, P0, 5, 5, 0, REFUSED, NULL),
	UNSET(A, V1, P0, 6, 6, 1, REFUSED, NULL),
	/* Its pins are free again */
	SET(A, V2, P1, 5, 5, 0, 0,
	    "set_ptdev_intr virt=00:02.0 phys=01:01.0 virt_pin=5 phys_pin=5 pic=0"),
	INTR(A, 48, intr_v2_7, 4),
	{}
};

static const struct step intx_state[] = {
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	SET_V1(A, 4, 4, 0, 0),
	START(A),
	SET_V1(A, 5, 5, 0, REFUSED),
	UNSET_V1(A, 4, 4, 0, REFUSED),
	PAUSE(A),
	SET_V1(A, 5, 5, 0, REFUSED),
	UNSET_V1(A, 4, 4, 0, 0),
	RESET(A),
	SET_V1(A, 5, 5, 0, 0),
	UNSET_V1(A, 5, 5, 0, 0),
	{}
};

static const struct step intx_type[] = {
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	{ .hc = HC_SET_PTDEV_INTR, .vm = A, .ret = REFUSED,
	  .irq = { .type = ACRN_PTDEV_IRQ_MSI, .virt = V1, .phys = P0 } },
	{ .hc = HC_SET_PTDEV_INTR, .vm = A, .ret = REFUSED,
	  .irq = { .type = ACRN_PTDEV_IRQ_MSIX, .virt = V1, .phys = P0 } },
	{ .hc = HC_SET_PTDEV_INTR, .vm = A, .ret = REFUSED,
	  .irq = { .type = 3, .virt = V1, .phys = P0 } },
	SET_V1(A, 0, 0, 0, 0),
	{ .hc = HC_RESET_PTDEV_INTR, .vm = A, .ret = REFUSED,
	  .irq = { .type = ACRN_PTDEV_IRQ_MSI, .virt = V1, .phys = P0 } },
	UNSET_V1(A, 0, 0, 0, 0),
	{}
};

static const struct step intx_device[] = {
	/* No device */
	SET_V1(A, 4, 4, 0, REFUSED),
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	ASSIGN(B, V2, P1, 0, EV_V2_P1),
	/* virt_bdf matches, phys_bdf does not */
	SET(A, V1, P1, 4, 4, 0, REFUSED, NULL),
	/* phys_bdf matches, virt_bdf does not */
	SET(A, V2, P0, 4, 4, 0, REFUSED, NULL),
	/* The other VM's device */
	SET(A, V2, P1, 4, 4, 0, REFUSED, NULL),
	SET(B, V1, P0, 4, 4, 0, REFUSED, NULL),
	SET_V1(A, 4, 4, 0, 0),
	{}
};

static const struct step intx_pins[] = {
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	SET_V1(A, 48, 1, 0, REFUSED),
	SET_V1(A, 4294967295, 1, 0, REFUSED),
	SET_V1(A, 47, 1, 0, 0),
	SET_V1(A, 16, 2, 1, REFUSED),
	SET_V1(A, 15, 2, 1, 0),
	SET_V1(A, 3, 24, 0, REFUSED),
	SET_V1(A, 3, 4294967295, 0, REFUSED),
	SET_V1(A, 3, 23, 0, 0),
	SET_V1(A, 4, 0, 0, 0),
	/* Any non-zero is_pic_pin means the PIC (the HSM refuses > 1). */
	SET(A, V1, P0, 16, 5, 2, REFUSED, NULL),
	SET(A, V1, P0, 5, 5, 2, 0,
	    "set_ptdev_intr virt=00:01.0 phys=01:00.0 virt_pin=5 phys_pin=5 pic=1"),
	UNSET_V1(A, 5, 5, 1, 0),
	{}
};

static const struct step intx_duplicate[] = {
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	ASSIGN(A, V2, P1, 0, EV_V2_P1),
	ASSIGN(B, V1, P2, 0,
	       "assign_pcidev virt=00:01.0 phys=01:02.0 type=0x0 line=0 pin=0"),
	SET_V1(A, 4, 10, 0, 0),
	/* Virtual pin taken, on this device or another */
	SET_V1(A, 4, 11, 0, REFUSED),
	SET(A, V2, P1, 4, 11, 0, REFUSED, NULL),
	/* The PIC pin 4 is another pin */
	SET_V1(A, 4, 11, 1, 0),
	SET(A, V2, P1, 4, 12, 1, REFUSED, NULL),
	/* GSI taken, in this VM or another */
	SET(A, V2, P1, 5, 10, 0, REFUSED, NULL),
	SET(B, V1, P2, 4, 10, 0, REFUSED, NULL),
	SET(B, V1, P2, 4, 11, 1, REFUSED, NULL),
	SET(B, V1, P2, 4, 12, 0, 0,
	    "set_ptdev_intr virt=00:01.0 phys=01:02.0 virt_pin=4 phys_pin=12 pic=0"),
	/* A GSI is free once its remapping is removed */
	UNSET_V1(A, 4, 10, 0, 0),
	SET(B, V1, P2, 5, 10, 0, 0,
	    "set_ptdev_intr virt=00:01.0 phys=01:02.0 virt_pin=5 phys_pin=10 pic=0"),
	{}
};

static const struct step intx_reset[] = {
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	ASSIGN(A, V2, P1, 0, EV_V2_P1),
	SET_V1(A, 4, 10, 0, 0),
	UNSET(A, V2, P0, 4, 10, 0, REFUSED, NULL),
	UNSET(A, V1, P1, 4, 10, 0, REFUSED, NULL),
	UNSET(A, V2, P1, 4, 10, 0, REFUSED, NULL),
	UNSET_V1(A, 5, 10, 0, REFUSED),
	UNSET_V1(A, 4, 10, 1, REFUSED),
	UNSET_V1(B, 4, 10, 0, REFUSED),
	/* The physical pin is not compared; the event has the one set */
	UNSET(A, V1, P0, 4, 3, 0, 0,
	      "reset_ptdev_intr virt=00:01.0 phys=01:00.0 virt_pin=4 phys_pin=10 pic=0"),
	UNSET_V1(A, 4, 10, 0, REFUSED),
	SET_V1(A, 4, 10, 0, 0),
	{}
};

static const struct step mmio_assign[] = {
	MAP(A, "TPM", TPM, TPM, 0x5000, 0,
	    "assign_mmiodev name=TPM gpa=0xfed40000 hpa=0xfed40000 size=0x5000"),
	UNMAP(A, "TPM", TPM, TPM, 0x5000, 0,
	      "deassign_mmiodev name=TPM gpa=0xfed40000 hpa=0xfed40000 size=0x5000"),
	MAP(A, "GPIO", 0x80000000, GPIO, 0x10000, 0,
	    "assign_mmiodev name=GPIO gpa=0x80000000 hpa=0xfe000000 size=0x10000"),
	/* The name is not compared; the event has the one assigned */
	UNMAP(A, "x", 0x80000000, GPIO, 0x10000, 0,
	      "deassign_mmiodev name=GPIO gpa=0x80000000 hpa=0xfe000000 size=0x10000"),
	{}
};

static const struct step mmio_align[] = {
	MAP(A, "TPM", TPM + 0x800, TPM, PG, -EINVAL, NULL),
	MAP(A, "TPM", TPM, TPM + 0x800, PG, -EINVAL, NULL),
	MAP(A, "TPM", TPM, TPM, 0x800, -EINVAL, NULL),
	MAP(A, "TPM", TPM, TPM, PG + 1, -EINVAL, NULL),
	MAP(A, "TPM", TPM + 1, TPM, PG, -EINVAL, NULL),
	MAP(A, "TPM", TPM, TPM, PG, 0, EV_TPM0),
	{}
};

static const struct step mmio_window[] = {
	MAP(A, "TPM", TPM, TPM - PG, 2 * PG, -EINVAL, NULL),
	MAP(A, "TPM", TPM, TPM + 0x4000, 2 * PG, -EINVAL, NULL),
	MAP(A, "TPM", TPM, TPM + 0x5000, PG, -EINVAL, NULL),
	MAP(A, "TPM", TPM, TPM, 0x6000, -EINVAL, NULL),
	MAP(A, "RAM", 0, 0, PG, -EINVAL, NULL),
	MAP(A, "GPIO", 0, GPIO + 0x10000, PG, -EINVAL, NULL),
	/* From one window into the other: 0xfe000000 to 0xfed44fff */
	MAP(A, "both", 0, GPIO, TPM + 0x5000 - GPIO, -EINVAL, NULL),
	MAP(A, "TPM", TPM + 0x4000, TPM + 0x4000, PG, 0,
	    "assign_mmiodev name=TPM gpa=0xfed44000 hpa=0xfed44000 size=0x1000"),
	MAP(A, "GPIO", 0x1000, GPIO + 0xf000, PG, 0,
	    "assign_mmiodev name=GPIO gpa=0x1000 hpa=0xfe00f000 size=0x1000"),
	{}
};

static const struct step mmio_wrap[] = {
	MAP(A, "TPM", ~0ULL - PG + 1, TPM, 2 * PG, -EINVAL, NULL),
	MAP(A, "TPM", TPM, ~0ULL - PG + 1, 2 * PG, -EINVAL, NULL),
	MAP(A, "TPM", TPM, TPM, ~0ULL - PG + 1, -EINVAL, NULL),
	/* Ending at the top of the address space is no wrap */
	MAP(A, "TPM", ~0ULL - PG + 1, TPM, PG, 0,
	    "assign_mmiodev name=TPM gpa=0xfffffffffffff000 hpa=0xfed40000 size=0x1000"),
	{}
};

static const struct step mmio_overlap[] = {
	MAP(A, "TPM", TPM, TPM, PG, 0, EV_TPM0),
	MAP(B, "TPM", TPM, TPM, PG, -EINVAL, NULL),
	MAP(A, "TPM", TPM, TPM, PG, -EINVAL, NULL),
	MAP(B, "TPM", TPM - PG, TPM, 2 * PG, -EINVAL, NULL),
	MAP(B, "TPM", TPM + PG, TPM + PG, PG, 0, EV_TPM1),
	MAP(A, "TPM", 0, TPM, 0x5000, -EINVAL, NULL),
	/* Two resources of one device */
	{ .hc = HC_ASSIGN_MMIODEV, .vm = A, .ret = -EINVAL,
	  .mmio = { .name = "TPM",
		    .res = { { 0, TPM + 0x2000, 2 * PG },
			     { 0, TPM + 0x3000, PG } } } },
	{ .hc = HC_ASSIGN_MMIODEV, .vm = A, .ret = -EINVAL,
	  .mmio = { .name = "TPM",
		    .res = { { 0, TPM + 0x2000, PG }, {},
			     { 0, TPM + 0x2000, PG } } } },
	/* Nor may a good resource get a bad one in */
	{ .hc = HC_ASSIGN_MMIODEV, .vm = A, .ret = -EINVAL,
	  .mmio = { .name = "TPM",
		    .res = { { 0, TPM + 0x2000, PG },
			     { 0, TPM, PG } } } },
	/* Free again once taken back */
	UNMAP(A, "TPM", TPM, TPM, PG, 0, EV_UTPM0),
	MAP(B, "TPM", TPM, TPM, PG, 0, EV_TPM0),
	{}
};

static const struct step mmio_res[] = {
	MAP(A, "TPM", TPM, TPM, 0, -EINVAL, NULL),
	{ .hc = HC_ASSIGN_MMIODEV, .vm = A, .ret = -EINVAL,
	  .mmio = { .name = "TPM", .res = { { TPM, TPM, 0 }, { 1, 2, 0 },
					    { 3, 4, 0 } } } },
	/* Only the non-empty resources after the first are in the event */
	{ .hc = HC_ASSIGN_MMIODEV, .vm = A,
	  .mmio = { .name = "T", .res = { {}, {}, { 0x3000, TPM + 0x3000, PG } } },
	  .event =
		"assign_mmiodev name=T gpa=0x0 hpa=0x0 size=0x0 gpa2=0x3000 hpa2=0xfed43000 size2=0x1000",
	},
	/* Taken back by the same resources; empty ones' addresses do not count */
	{ .hc = HC_DEASSIGN_MMIODEV, .vm = A, .ret = -EINVAL,
	  .mmio = { .name = "T", .res = { { 0, TPM + 0x3000, PG } } } },
	{ .hc = HC_DEASSIGN_MMIODEV, .vm = A, .ret = -EINVAL,
	  .mmio = { .name = "T",
		    .res = { {}, { 0x3000, TPM + 0x3000, PG } } } },
	{ .hc = HC_DEASSIGN_MMIODEV, .vm = A, .ret = -EINVAL,
	  .mmio = { .name = "T",
		    .res = { {}, {}, { 0x4000, TPM + 0x3000, PG } } } },
	{ .hc = HC_DEASSIGN_MMIODEV, .vm = A,
	  .mmio = { .name = "T",
		    .res = { { 7, 8, 0 }, { 9, 10, 0 },
			     { 0x3000, TPM + 0x3000, PG } } },
	  .event = "deassign_mmiodev name=T gpa=0x0 hpa=0x0 size=0x0" },
	/* Three resources: the longest event */
	{ .hc = HC_ASSIGN_MMIODEV, .vm = A,
	  .mmio = { .name = "GPIO",
		    .res = { { 0x80000000, GPIO, PG },
			     { 0x80004000, GPIO + 0x4000, 2 * PG },
			     { 0x80008000, GPIO + 0x8000, 8 * PG } } },
	  .event =
		"assign_mmiodev name=GPIO gpa=0x80000000 hpa=0xfe000000 size=0x1000 gpa1=0x80004000 hpa1=0xfe004000 size1=0x2000 gpa2=0x80008000 hpa2=0xfe008000 size2=0x8000",
	},
	/* All of them must match */
	UNMAP(A, "GPIO", 0x80000000, GPIO, PG, -EINVAL, NULL),
	{ .hc = HC_DEASSIGN_MMIODEV, .vm = A, .ret = -EINVAL,
	  .mmio = { .name = "GPIO",
		    .res = { { 0x80000000, GPIO, PG },
			     { 0x80004000, GPIO + 0x4000, 2 * PG },
			     { 0x80008000, GPIO + 0x8000, 7 * PG } } } },
	{ .hc = HC_DEASSIGN_MMIODEV, .vm = A,
	  .mmio = { .name = "GPIO",
		    .res = { { 0x80000000, GPIO, PG },
			     { 0x80004000, GPIO + 0x4000, 2 * PG },
			     { 0x80008000, GPIO + 0x8000, 8 * PG } } },
	  .event = "deassign_mmiodev name=GPIO gpa=0x80000000 hpa=0xfe000000 size=0x1000" },
	{}
};

static const struct step mmio_names[] = {
	MAP(A, "ABCDEFGHIJ", 0, GPIO, PG, 0,
	    "assign_mmiodev name=ABCDEFGH gpa=0x0 hpa=0xfe000000 size=0x1000"),
	MAP(A, "a b\x01\x7f\xe9z", PG, GPIO + PG, PG, 0,
	    "assign_mmiodev name=a?b???z gpa=0x1000 hpa=0xfe001000 size=0x1000"),
	MAP(A, "", 2 * PG, GPIO + 2 * PG, PG, 0,
	    "assign_mmiodev name= gpa=0x2000 hpa=0xfe002000 size=0x1000"),
	UNMAP(A, "", 0, GPIO, PG, 0,
	      "deassign_mmiodev name=ABCDEFGH gpa=0x0 hpa=0xfe000000 size=0x1000"),
	{}
};

static const struct step mmio_limit[] = {
	MAP(A, "TPM", TPM, TPM, PG, 0, EV_TPM0),
	MAP(A, "TPM", TPM + PG, TPM + PG, PG, 0, EV_TPM1),
	MAP(A, "TPM", TPM + 2 * PG, TPM + 2 * PG, PG, 0,
	    "assign_mmiodev name=TPM gpa=0xfed42000 hpa=0xfed42000 size=0x1000"),
	MAP(A, "TPM", TPM + 3 * PG, TPM + 3 * PG, PG, -EINVAL, NULL),
	MAP(B, "TPM", TPM + 3 * PG, TPM + 3 * PG, PG, 0,
	    "assign_mmiodev name=TPM gpa=0xfed43000 hpa=0xfed43000 size=0x1000"),
	UNMAP(A, "TPM", TPM + PG, TPM + PG, PG, 0,
	      "deassign_mmiodev name=TPM gpa=0xfed41000 hpa=0xfed41000 size=0x1000"),
	MAP(A, "TPM", TPM + 4 * PG, TPM + 4 * PG, PG, 0,
	    "assign_mmiodev name=TPM gpa=0xfed44000 hpa=0xfed44000 size=0x1000"),
	{}
};

static const struct step mmio_state[] = {
	START(A),
	MAP(A, "TPM", TPM, TPM, PG, -EINVAL, NULL),
	PAUSE(A),
	MAP(A, "TPM", TPM, TPM, PG, -EINVAL, NULL),
	RESET(A),
	MAP(A, "TPM", TPM, TPM, PG, 0, EV_TPM0),
	START(A),
	UNMAP(A, "TPM", TPM, TPM, PG, -EINVAL, NULL),
	PAUSE(A),
	UNMAP(A, "TPM", TPM, TPM, PG, 0, EV_UTPM0),
	UNMAP(A, "TPM", TPM, TPM, PG, -EINVAL, NULL),
	{}
};

static const struct step vdev_ids[] = {
	NEW(A, IVSHMEM, V1, 0, "create_vdev id=1af4:1110 slot=00:01.0"),
	NEW(A, VUART, V2, 0, "create_vdev id=9710:9900 slot=00:02.0"),
	NEW(A, RPORT, V3, 0, "create_vdev id=8086:9d14 slot=00:03.0"),
	NEW(A, 0, V4, -EINVAL, NULL),
	NEW(A, ID(0x1af4, 0x1111), V4, -EINVAL, NULL),
	NEW(A, ID(0x8086, 0x9d15), V4, -EINVAL, NULL),
	NEW(A, ID(0x9900, 0x9710), V4, -EINVAL, NULL),
	NEW(A, IVSHMEM | 1ULL << 32, V4, -EINVAL, NULL),	/* legacy_id */
	{}
};

static const struct step vdev_slot[] = {
	NEW(A, VUART, 0, -EINVAL, NULL),
	NEW(A, VUART, 1ULL << 16 | V1, -EINVAL, NULL),
	NEW(A, VUART, 1ULL << 63, -EINVAL, NULL),
	NEW(A, VUART, 0xffff, 0, "create_vdev id=9710:9900 slot=ff:1f.7"),
	NEW(A, VUART, V1, 0, "create_vdev id=9710:9900 slot=00:01.0"),
	NEW(A, IVSHMEM, V1, -EINVAL, NULL),
	/* Slots are per VM */
	NEW(B, IVSHMEM, V1, 0, "create_vdev id=1af4:1110 slot=00:01.0"),
	/* Found by the slot only: the id does not count, the event has it */
	DEL(A, IVSHMEM, 1ULL << 16 | V1, -EINVAL, NULL),
	DEL(A, IVSHMEM, V2, -EINVAL, NULL),
	DEL(A, IVSHMEM, V1, 0, "destroy_vdev id=9710:9900 slot=00:01.0"),
	DEL(A, IVSHMEM, V1, -EINVAL, NULL),
	NEW(A, IVSHMEM, V1, 0, "create_vdev id=1af4:1110 slot=00:01.0"),
	{}
};

static const struct step vdev_limit[] = {
	NEW(A, VUART, 0x08, 0, "create_vdev id=9710:9900 slot=00:01.0"),
	NEW(A, VUART, 0x09, 0, "create_vdev id=9710:9900 slot=00:01.1"),
	NEW(A, VUART, 0x0a, 0, "create_vdev id=9710:9900 slot=00:01.2"),
	NEW(A, VUART, 0x0b, 0, "create_vdev id=9710:9900 slot=00:01.3"),
	NEW(A, VUART, 0x0c, 0, "create_vdev id=9710:9900 slot=00:01.4"),
	NEW(A, VUART, 0x0d, 0, "create_vdev id=9710:9900 slot=00:01.5"),
	NEW(A, VUART, 0x0e, 0, "create_vdev id=9710:9900 slot=00:01.6"),
	NEW(A, VUART, 0x0f, 0, "create_vdev id=9710:9900 slot=00:01.7"),
	NEW(A, VUART, 0x10, -EINVAL, NULL),
	ASSIGN(A, 0x10, P0, 0,
	       "assign_pcidev virt=00:02.0 phys=01:00.0 type=0x0 line=0 pin=0"),
	DEL(A, 0, 0x0c, 0, "destroy_vdev id=9710:9900 slot=00:01.4"),
	NEW(A, RPORT, 0x18, 0, "create_vdev id=8086:9d14 slot=00:03.0"),
	{}
};

static const struct step vdev_state[] = {
	START(A),
	NEW(A, VUART, V1, -EINVAL, NULL),
	PAUSE(A),
	NEW(A, VUART, V1, -EINVAL, NULL),
	RESET(A),
	NEW(A, VUART, V1, 0, "create_vdev id=9710:9900 slot=00:01.0"),
	START(A),
	DEL(A, VUART, V1, -EINVAL, NULL),
	PAUSE(A),
	DEL(A, VUART, V1, 0, "destroy_vdev id=9710:9900 slot=00:01.0"),
	{}
};

/* Payload addresses that are not RAM: -EINVAL once the state is right */
static const struct step copy_fail[] = {
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	{ .hc = HC_SET_PTDEV_INTR, .bad_gpa = true, .ret = -EINVAL },
	{ .hc = HC_RESET_PTDEV_INTR, .bad_gpa = true, .ret = -EINVAL },
	{ .hc = HC_ASSIGN_PCIDEV, .bad_gpa = true, .ret = -EINVAL },
	{ .hc = HC_DEASSIGN_PCIDEV, .bad_gpa = true, .ret = -EINVAL },
	{ .hc = HC_ASSIGN_MMIODEV, .bad_gpa = true, .ret = -EINVAL },
	{ .hc = HC_DEASSIGN_MMIODEV, .bad_gpa = true, .ret = -EINVAL },
	{ .hc = HC_CREATE_VDEV, .bad_gpa = true, .ret = -EINVAL },
	{ .hc = HC_DESTROY_VDEV, .bad_gpa = true, .ret = -EINVAL },
	/* The state is checked first */
	START(A),
	{ .hc = HC_SET_PTDEV_INTR, .bad_gpa = true, .ret = REFUSED },
	{ .hc = HC_RESET_PTDEV_INTR, .bad_gpa = true, .ret = REFUSED },
	{}
};

static const u64 intr_three[] = {
	V1 << 16 | 4, 0, V1 << 16 | 1 << 8 | 4, 0, V2 << 16 | 47, 0,
};

static const u64 intr_after_reset[] = {
	V1 << 16 | 4, 0, V2 << 16 | 47, 0, V1 << 16 | 1 << 8 | 15, 0,
};

static const struct step intr_data[] = {
	INTR(A, 48, NULL, 0),
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	ASSIGN(A, V2, P1, 0, EV_V2_P1),
	SET_V1(A, 4, 9, 0, 0),
	SET_V1(A, 4, 3, 1, 0),
	SET(A, V2, P1, 47, 23, 0, 0,
	    "set_ptdev_intr virt=00:02.0 phys=01:01.0 virt_pin=47 phys_pin=23 pic=0"),
	INTR(A, 48, intr_three, 6),
	INTR(A, 6, intr_three, 6),
	INTR(A, 5, intr_three, 4),
	INTR(A, 4, intr_three, 4),
	INTR(A, 3, intr_three, 2),
	INTR(A, 2, intr_three, 2),
	INTR(A, 1, intr_three, 0),
	INTR(A, 0, intr_three, 0),
	INTR(B, 48, NULL, 0),
	/* The order they were set in stays */
	UNSET_V1(A, 4, 3, 1, 0),
	SET_V1(A, 15, 3, 1, 0),
	INTR(A, 48, intr_after_reset, 6),
	{}
};

static const u64 intr_kept[] = { V1 << 16 | 4, 0 };

static const struct step reset_keeps[] = {
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	SET_V1(A, 4, 9, 0, 0),
	MAP(A, "TPM", TPM, TPM, PG, 0, EV_TPM0),
	NEW(A, VUART, V2, 0, "create_vdev id=9710:9900 slot=00:02.0"),
	START(A),
	PAUSE(A),
	RESET(A),
	INTR(A, 48, intr_kept, 2),
	ASSIGN(B, V1, P0, -EINVAL, NULL),
	MAP(B, "TPM", TPM, TPM, PG, -EINVAL, NULL),
	ASSIGN(A, V2, P1, -EINVAL, NULL),
	SET_V1(A, 4, 10, 0, REFUSED),
	UNSET_V1(A, 4, 9, 0, 0),
	DEL(A, VUART, V2, 0, "destroy_vdev id=9710:9900 slot=00:02.0"),
	UNMAP(A, "TPM", TPM, TPM, PG, 0, EV_UTPM0),
	DEASSIGN(A, V1, P0, 0, EV_DV1_P0),
	{ .hc = CHECK_EMPTY, .vm = A },
	{}
};

static const struct step destroy_clears[] = {
	ASSIGN(A, V1, P0, 0, EV_V1_P0),
	ASSIGN(A, V2, P1, 0, EV_V2_P1),
	SET_V1(A, 4, 9, 0, 0),
	MAP(A, "TPM", TPM, TPM, PG, 0, EV_TPM0),
	NEW(A, VUART, V3, 0, "create_vdev id=9710:9900 slot=00:03.0"),
	START(A),
	LIFE(HC_DESTROY_VM, A, REFUSED),
	PAUSE(A),
	DESTROY(A),
	{ .hc = CHECK_EMPTY, .vm = A },
	/* The devices, the GSI and the MMIO range are free for B */
	ASSIGN(B, V1, P0, 0, EV_V1_P0),
	SET(B, V1, P0, 4, 9, 0, 0,
	    "set_ptdev_intr virt=00:01.0 phys=01:00.0 virt_pin=4 phys_pin=9 pic=0"),
	MAP(B, "TPM", TPM, TPM, PG, 0, EV_TPM0),
	/* A VM created again in the slot has nothing */
	{ .hc = RECREATE, .vm = A },
	{ .hc = CHECK_EMPTY, .vm = A },
	INTR(A, 48, NULL, 0),
	DEASSIGN(A, V1, P0, -EINVAL, NULL),
	DEL(A, VUART, V3, -EINVAL, NULL),
	ASSIGN(A, V2, P1, 0, EV_V2_P1),
	{}
};

struct script {
	const char *desc;
	const struct step *steps;
};

static const struct script scripts[] = {
	{ "assign_pcidev: the board's devices", pcidev_assign },
	{ "assign_pcidev: unknown devices", pcidev_unknown },
	{ "assign/deassign_pcidev: VM state", pcidev_state },
	{ "assign_pcidev: device of another VM", pcidev_other_vm },
	{ "assign_pcidev/create_vdev: virtual address", pcidev_virt_bdf },
	{ "deassign_pcidev: device lookup", pcidev_deassign },
	{ "deassign_pcidev: drops its INTx remappings", pcidev_deassign_intx },
	{ "set/reset_ptdev_intr: VM state", intx_state },
	{ "set/reset_ptdev_intr: INTx only", intx_type },
	{ "set_ptdev_intr: device assigned", intx_device },
	{ "set_ptdev_intr: pin ranges", intx_pins },
	{ "set_ptdev_intr: pins remapped once", intx_duplicate },
	{ "reset_ptdev_intr: lookup", intx_reset },
	{ "assign/deassign_mmiodev", mmio_assign },
	{ "assign_mmiodev: alignment", mmio_align },
	{ "assign_mmiodev: board windows", mmio_window },
	{ "assign_mmiodev: wrap", mmio_wrap },
	{ "assign_mmiodev: ranges given once", mmio_overlap },
	{ "assign/deassign_mmiodev: resources", mmio_res },
	{ "assign/deassign_mmiodev: names", mmio_names },
	{ "assign_mmiodev: 3 per VM", mmio_limit },
	{ "assign/deassign_mmiodev: VM state", mmio_state },
	{ "create_vdev: ids", vdev_ids },
	{ "create/destroy_vdev: slots", vdev_slot },
	{ "create_vdev: 8 per VM", vdev_limit },
	{ "create/destroy_vdev: VM state", vdev_state },
	{ "payload not readable", copy_fail },
	{ "interrupt monitor data", intr_data },
	{ "RESET_VM keeps the devices", reset_keeps },
	{ "DESTROY_VM releases the devices", destroy_clears },
};

KUNIT_ARRAY_PARAM_DESC(script, scripts, desc);

/* The test's two VMs and the memory it gives the hypercalls. */
struct ptdev_ctx {
	u16 vmid[2];
	bool off[2];
	struct page *ioreq[2];
	u64 *buf_gpa;
	void *payload;
	u64 *intr;
};

static const char * const vm_names[] = { "kunit-ptdev-a", "kunit-ptdev-b" };

static u64 bad_gpa(void)
{
	return BIT_ULL(boot_cpu_data.x86_phys_bits) - PAGE_SIZE;
}

/* Create VM @v (A or B) with an I/O request page, so it can start. */
static void ctx_vm_create(struct kunit *test, struct ptdev_ctx *c, u8 v)
{
	struct acrn_vm_creation *cv;

	cv = kunit_kzalloc(test, sizeof(*cv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cv);
	strscpy(cv->uuid, vm_names[v], sizeof(cv->uuid));
	KUNIT_ASSERT_EQ(test, hvsim_hypercall(HC_CREATE_VM, virt_to_phys(cv), 0), 0);
	KUNIT_ASSERT_NE(test, cv->vmid, ACRN_INVALID_VMID);
	c->vmid[v] = cv->vmid;
	c->off[v] = false;
	*c->buf_gpa = page_to_phys(c->ioreq[v]);
	KUNIT_ASSERT_EQ(test, hvsim_hypercall(HC_SET_IOREQ_BUFFER, c->vmid[v],
					      virt_to_phys(c->buf_gpa)), 0);
	kunit_kfree(test, cv);
}

static void ctx_vm_destroy(struct ptdev_ctx *c, u8 v)
{
	if (!c->vmid[v] || c->off[v])
		return;
	hvsim_hypercall(HC_PAUSE_VM, c->vmid[v], 0);
	hvsim_hypercall(HC_DESTROY_VM, c->vmid[v], 0);
	c->off[v] = true;
}

static struct ptdev_ctx *ctx_create(struct kunit *test, bool two)
{
	struct ptdev_ctx *c;
	u8 v;

	if (!hvsim_vms)
		kunit_skip(test, "no VM table (bad module parameters)");
	if (hvsim_max_vms < 3)
		kunit_skip(test, "needs max_vms >= 3");
	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	test->priv = c;
	c->buf_gpa = kunit_kzalloc(test, sizeof(*c->buf_gpa), GFP_KERNEL);
	c->payload = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	c->intr = kunit_kcalloc(test, ACRN_INTR_MONITOR_MAX, sizeof(u64),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->buf_gpa);
	KUNIT_ASSERT_NOT_NULL(test, c->payload);
	KUNIT_ASSERT_NOT_NULL(test, c->intr);
	for (v = A; v <= (two ? B : A); v++) {
		c->ioreq[v] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, c->ioreq[v]);
		ctx_vm_create(test, c, v);
	}
	return c;
}

static void hvsim_ptdev_test_exit(struct kunit *test)
{
	struct ptdev_ctx *c = test->priv;
	u8 v;

	if (!c)
		return;
	for (v = A; v <= B; v++) {
		ctx_vm_destroy(c, v);
		if (c->ioreq[v])
			__free_page(c->ioreq[v]);
	}
	test->priv = NULL;
}

/* The newest event sequence number of slot @vmid, 0 if none. */
static u64 ev_last(struct kunit *test, u16 vmid)
{
	struct hvsim_events req = { .vmid = vmid };
	struct hvsim_event ev;

	KUNIT_ASSERT_EQ(test, hvsim_events_get(&req, &ev), 0);
	return req.last_seq;
}

/*
 * The events slot @vmid logged after sequence number @since: how many
 * (up to 2), and the text of the first in @text.
 */
static u32 ev_since(struct kunit *test, u16 vmid, u64 since, char *text)
{
	struct hvsim_events req = { .vmid = vmid, .count = 2, .since = since };
	struct hvsim_event ev[2] = {};

	KUNIT_ASSERT_EQ(test, hvsim_events_get(&req, ev), 0);
	text[0] = '\0';
	if (req.count)
		strscpy(text, ev[0].text, HVSIM_EVENT_TEXT);
	return req.count;
}

static struct hvsim_ptdev_state *ptdev_of(struct ptdev_ctx *c, u8 v)
{
	return &hvsim_vms[c->vmid[v]].ptdev;
}

/* Copy both VMs' device state. */
static void ptdev_snapshot(struct ptdev_ctx *c, struct hvsim_ptdev_state *s)
{
	unsigned long flags;
	u8 v;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	for (v = A; v <= B; v++)
		if (c->vmid[v])
			memcpy(&s[v], ptdev_of(c, v), sizeof(s[v]));
		else
			memset(&s[v], 0, sizeof(s[v]));
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
}

/* Lay out the payload of step @s in @buf; its size. */
static size_t step_payload(const struct step *s, void *buf)
{
	struct acrn_ptdev_irq *irq = buf;
	struct acrn_pcidev *pci = buf;
	struct acrn_mmiodev *md = buf;
	struct acrn_vdev *vdev = buf;
	unsigned int r;

	memset(buf, 0, PAGE_SIZE);
	switch (s->hc) {
	case HC_SET_PTDEV_INTR:
	case HC_RESET_PTDEV_INTR:
		irq->type = s->irq.type;
		irq->virt_bdf = s->irq.virt;
		irq->phys_bdf = s->irq.phys;
		irq->intx.virt_pin = s->irq.vpin;
		irq->intx.phys_pin = s->irq.ppin;
		irq->intx.is_pic_pin = s->irq.pic;
		return sizeof(*irq);
	case HC_ASSIGN_PCIDEV:
	case HC_DEASSIGN_PCIDEV:
		pci->type = s->pci.type;
		pci->virt_bdf = s->pci.virt;
		pci->phys_bdf = s->pci.phys;
		pci->intr_line = s->pci.line;
		pci->intr_pin = s->pci.pin;
		return sizeof(*pci);
	case HC_ASSIGN_MMIODEV:
	case HC_DEASSIGN_MMIODEV:
		if (s->mmio.name)
			memcpy(md->name, s->mmio.name,
			       min(strlen(s->mmio.name), sizeof(md->name)));
		for (r = 0; r < ACRN_MMIODEV_RES_NUM; r++) {
			md->res[r].user_vm_pa = s->mmio.res[r].gpa;
			md->res[r].service_vm_pa = s->mmio.res[r].hpa;
			md->res[r].size = s->mmio.res[r].size;
			md->res[r].mem_type = ACRN_MEM_TYPE_UC;
		}
		return sizeof(*md);
	case HC_CREATE_VDEV:
	case HC_DESTROY_VDEV:
		vdev->id.value = s->vdev.id;
		vdev->slot = s->vdev.slot;
		return sizeof(*vdev);
	}
	return 0;
}

static void step_intr(struct kunit *test, struct ptdev_ctx *c,
		      const struct step *s, unsigned int n)
{
	unsigned long flags;
	u32 got, i;

	memset(c->intr, 0xa5, ACRN_INTR_MONITOR_MAX * sizeof(u64));
	spin_lock_irqsave(&hvsim_vms_lock, flags);
	got = hvsim_ptdev_intr_data(&hvsim_vms[c->vmid[s->vm]], c->intr,
				    s->intr.cnt);
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	KUNIT_EXPECT_EQ_MSG(test, got, (u32)s->ret, "step %u", n);
	for (i = 0; i < got && i < (u32)s->ret; i++)
		KUNIT_EXPECT_EQ_MSG(test, c->intr[i], s->intr.data[i],
				    "step %u entry %u", n, i);
	/* Nothing written past the pairs that fit */
	for (i = got; i < ACRN_INTR_MONITOR_MAX; i++)
		KUNIT_EXPECT_EQ_MSG(test, c->intr[i], 0xa5a5a5a5a5a5a5a5ULL,
				    "step %u entry %u", n, i);
}

/* A hypercall step and the rule every hypercall follows. */
static void step_hc(struct kunit *test, struct ptdev_ctx *c,
		    const struct step *s, unsigned int n)
{
	struct hvsim_ptdev_state *before, *after;
	char text[HVSIM_EVENT_TEXT];
	u64 last[2] = {};
	u64 gpa;
	long ret;
	u8 v;

	before = kunit_kcalloc(test, 4, sizeof(*before), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	after = before + 2;
	ptdev_snapshot(c, before);
	for (v = A; v <= B; v++)
		if (c->vmid[v])
			last[v] = ev_last(test, c->vmid[v]);

	step_payload(s, c->payload);
	gpa = s->bad_gpa ? bad_gpa() : virt_to_phys(c->payload);
	ret = hvsim_hypercall(s->hc, c->vmid[s->vm], gpa);
	KUNIT_EXPECT_EQ_MSG(test, ret, s->ret, "step %u", n);

	ptdev_snapshot(c, after);
	for (v = A; v <= B; v++) {
		u32 events;

		if (!c->vmid[v])
			continue;
		events = ev_since(test, c->vmid[v], last[v], text);
		if (ret || v != s->vm) {
			KUNIT_EXPECT_EQ_MSG(test, events, 0,
					    "step %u: VM %u logged \"%s\"", n, v, text);
		} else {
			KUNIT_ASSERT_NOT_NULL_MSG(test, s->event, "step %u", n);
			KUNIT_EXPECT_EQ_MSG(test, events, 1, "step %u", n);
			KUNIT_EXPECT_STREQ_MSG(test, text, s->event, "step %u", n);
		}
		if (ret)
			KUNIT_EXPECT_EQ_MSG(test, memcmp(&before[v], &after[v],
							 sizeof(before[v])), 0,
					    "step %u: refused, but VM %u changed", n, v);
	}
	kunit_kfree(test, before);
}

static void hvsim_ptdev_test_script(struct kunit *test)
{
	const struct script *sc = test->param_value;
	struct ptdev_ctx *c = ctx_create(test, true);
	const struct step *s;
	unsigned int n;

	for (n = 0, s = sc->steps; s->hc; n++, s++) {
		switch (s->hc) {
		case HC_START_VM:
		case HC_PAUSE_VM:
		case HC_RESET_VM:
		case HC_DESTROY_VM:
			KUNIT_ASSERT_EQ_MSG(test, hvsim_hypercall(s->hc, c->vmid[s->vm], 0),
					    s->ret, "step %u", n);
			if (s->hc == HC_DESTROY_VM && !s->ret)
				c->off[s->vm] = true;
			break;
		case RECREATE:
			KUNIT_ASSERT_TRUE(test, c->off[s->vm]);
			ctx_vm_create(test, c, s->vm);
			break;
		case CHECK_EMPTY:
			KUNIT_ASSERT_NE(test, c->vmid[s->vm], 0);
			KUNIT_EXPECT_NULL_MSG(test,
					      memchr_inv(ptdev_of(c, s->vm), 0,
							 sizeof(struct hvsim_ptdev_state)),
					      "step %u", n);
			break;
		case CHECK_INTR:
			step_intr(test, c, s, n);
			break;
		default:
			step_hc(test, c, s, n);
		}
	}
}

/* 24 remappings, one per GSI of the board: the most a VM can have. */
static void hvsim_ptdev_test_intx_limit(struct kunit *test)
{
	struct ptdev_ctx *c = ctx_create(test, true);
	struct step s = {
		.hc = HC_ASSIGN_PCIDEV, .vm = A,
		.pci = { .virt = V1, .phys = P0 }, .event = EV_V1_P0,
	};
	char event[HVSIM_EVENT_TEXT];
	u32 pin;

	step_hc(test, c, &s, 0);
	s.hc = HC_SET_PTDEV_INTR;
	s.irq.virt = V1;
	s.irq.phys = P0;
	s.event = event;
	for (pin = 0; pin < 24; pin++) {
		s.irq.vpin = 47 - pin;
		s.irq.ppin = pin;
		snprintf(event, sizeof(event),
			 "set_ptdev_intr virt=00:01.0 phys=01:00.0 virt_pin=%u phys_pin=%u pic=0",
			 47 - pin, pin);
		step_hc(test, c, &s, 1 + pin);
	}
	KUNIT_EXPECT_EQ(test, ptdev_of(c, A)->nr_intx, 24);
	s.ret = REFUSED;
	s.irq.vpin = 0;
	for (pin = 0; pin < 24; pin++) {
		s.irq.ppin = pin;
		step_hc(test, c, &s, 100 + pin);
	}
	s.irq.pic = 1;
	step_hc(test, c, &s, 200);

	/* All 24 pairs fit the monitor's 48 entries. */
	memset(c->intr, 0, ACRN_INTR_MONITOR_MAX * sizeof(u64));
	spin_lock_irq(&hvsim_vms_lock);
	KUNIT_EXPECT_EQ(test, hvsim_ptdev_intr_data(&hvsim_vms[c->vmid[A]], c->intr,
						    ACRN_INTR_MONITOR_MAX), 48);
	spin_unlock_irq(&hvsim_vms_lock);
	for (pin = 0; pin < 24; pin++)
		KUNIT_EXPECT_EQ(test, c->intr[2 * pin], (u64)V1 << 16 | (47 - pin));
}

/* Each hypercall needs a User VM slot as target. */
static void hvsim_ptdev_test_target(struct kunit *test)
{
	static const unsigned long hcs[] = {
		HC_SET_PTDEV_INTR, HC_RESET_PTDEV_INTR, HC_ASSIGN_PCIDEV,
		HC_DEASSIGN_PCIDEV, HC_ASSIGN_MMIODEV, HC_DEASSIGN_MMIODEV,
		HC_CREATE_VDEV, HC_DESTROY_VDEV,
	};
	struct ptdev_ctx *c = ctx_create(test, false);
	unsigned long gpa = virt_to_phys(c->payload);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hcs); i++) {
		KUNIT_EXPECT_EQ(test, hvsim_hypercall(hcs[i], 0, gpa), -ENOTTY);
		KUNIT_EXPECT_EQ(test, hvsim_hypercall(hcs[i], hvsim_max_vms, gpa),
				-ENOTTY);
		KUNIT_EXPECT_EQ(test, hvsim_hypercall(hcs[i], 0x10000, gpa),
				-ENOTTY);
	}
	/* Only the low 16 bits are the vmid. */
	((struct acrn_vdev *)c->payload)->id.value = VUART;
	((struct acrn_vdev *)c->payload)->slot = V1;
	KUNIT_EXPECT_EQ(test, hvsim_hypercall(HC_CREATE_VDEV,
					      0xabcd0000UL | c->vmid[A], gpa), 0);
	/* A powered-off slot: refused by the state rule. */
	ctx_vm_destroy(c, A);
	KUNIT_EXPECT_EQ(test, hvsim_hypercall(HC_CREATE_VDEV, c->vmid[A], gpa),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, hvsim_hypercall(HC_SET_PTDEV_INTR, c->vmid[A], gpa),
			REFUSED);
}

static struct kunit_case hvsim_ptdev_test_cases[] = {
	KUNIT_CASE_PARAM(hvsim_ptdev_test_script, script_gen_params),
	KUNIT_CASE(hvsim_ptdev_test_intx_limit),
	KUNIT_CASE(hvsim_ptdev_test_target),
	{}
};

static struct kunit_suite hvsim_ptdev_test_suite = {
	.name = "acrn_hvsim_ptdev",
	.suite_init = hvsim_kunit_suite_init,
	.exit = hvsim_ptdev_test_exit,
	.test_cases = hvsim_ptdev_test_cases,
};

kunit_test_suites(&hvsim_ptdev_test_suite);
