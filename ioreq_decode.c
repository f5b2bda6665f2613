// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding I/O requests: which snapshots are requests the hypervisor
 * makes, which range serves one, reads and their values, and the PCI
 * configuration mechanism #1 combiner (ports 0xCF8 and 0xCFC-0xCFF).
 *
 * Pure functions of their arguments: the request path (ioreq.c) calls
 * them on its private snapshots, under the VM's ioreq.lock, and KUnit
 * calls them on tables.
 */

#include <linux/bits.h>
#include <linux/export.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "acrn_drv.h"

#define ACRN_PCI_CONF_ADDR		0xcf8
#define ACRN_PCI_CONF_DATA		0xcfc
#define ACRN_PCI_CONF_ENABLE		BIT(31)

/**
 * acrn_ioreq_valid() - whether a request snapshot is one the hypervisor makes
 * @req: The snapshot.
 *
 * Port I/O of 1, 2 or 4 bytes inside the 64 KiB port space, MMIO and
 * write-protect faults of 1, 2, 4 or 8 bytes that do not wrap, a known
 * direction. The hypervisor never makes PCICFG requests (the HSM does).
 *
 * Context: Any context.
 * Return: true if the request can be dispatched.
 */
bool acrn_ioreq_valid(const struct acrn_io_request *req)
{
	const struct acrn_mmio_request *mmio = &req->reqs.mmio_request;
	const struct acrn_pio_request *pio = &req->reqs.pio_request;

	switch (req->type) {
	case ACRN_IOREQ_TYPE_PORTIO:
		if (pio->direction > ACRN_IOREQ_DIR_WRITE)
			return false;
		if (pio->size != 1 && pio->size != 2 && pio->size != 4)
			return false;
		return pio->address <= 0x10000 - pio->size;
	case ACRN_IOREQ_TYPE_MMIO:
	case ACRN_IOREQ_TYPE_WP:
		if (mmio->direction > ACRN_IOREQ_DIR_WRITE)
			return false;
		if (mmio->size != 1 && mmio->size != 2 && mmio->size != 4 &&
		    mmio->size != 8)
			return false;
		return mmio->address <= U64_MAX - (mmio->size - 1);
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_valid);

/**
 * acrn_ioreq_in_range() - whether a range serves a request
 * @type:  Range type, ACRN_IOREQ_TYPE_PORTIO or ACRN_IOREQ_TYPE_MMIO.
 * @start: First address of the range.
 * @end:   Last address of the range (inclusive).
 * @req:   A valid request snapshot (acrn_ioreq_valid()).
 *
 * The request must have the range's type and lie entirely inside it.
 *
 * Context: Any context.
 * Return: true on a match.
 */
bool acrn_ioreq_in_range(u32 type, u64 start, u64 end,
			 const struct acrn_io_request *req)
{
	u64 addr, size;

	if (req->type != type)
		return false;
	switch (type) {
	case ACRN_IOREQ_TYPE_PORTIO:
		addr = req->reqs.pio_request.address;
		size = req->reqs.pio_request.size;
		break;
	case ACRN_IOREQ_TYPE_MMIO:
		addr = req->reqs.mmio_request.address;
		size = req->reqs.mmio_request.size;
		break;
	default:
		return false;
	}
	return addr >= start && addr + size - 1 <= end;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_in_range);

/**
 * acrn_ioreq_pci_cfg() - the PCI configuration mechanism #1 combiner
 * @conf_addr: The VM's latched 0xCF8 value.
 * @req:       A valid request snapshot; rewritten when converted.
 *
 * A 4-byte access to 0xCF8 latches (write) or returns (read) the
 * address. An access inside 0xCFC-0xCFF reads all ones and drops writes
 * while the enable bit is clear; otherwise it becomes a PCICFG request
 * for bus 23:16, device 15:11, function 10:8 and register 7:2 plus the
 * extended register bits 27:24 (as register bits 11:8) plus the byte
 * offset of the port. Anything else, including a 0xCF8 access of another
 * size, is not a configuration access.
 *
 * Context: Any context; the caller serialises @conf_addr.
 * Return: ACRN_PCI_CFG_PASS, ACRN_PCI_CFG_DONE (@req holds a read's
 * value) or ACRN_PCI_CFG_CONVERTED.
 */
int acrn_ioreq_pci_cfg(u32 *conf_addr, struct acrn_io_request *req)
{
	struct acrn_pio_request *pio = &req->reqs.pio_request;
	struct acrn_pci_request *pci = &req->reqs.pci_request;
	u32 dir, size, value, addr = *conf_addr;
	u64 port = pio->address;

	if (req->type != ACRN_IOREQ_TYPE_PORTIO)
		return ACRN_PCI_CFG_PASS;

	if (port == ACRN_PCI_CONF_ADDR && pio->size == 4) {
		if (pio->direction == ACRN_IOREQ_DIR_WRITE)
			*conf_addr = pio->value;
		else
			pio->value = *conf_addr;
		return ACRN_PCI_CFG_DONE;
	}

	if (port < ACRN_PCI_CONF_DATA || port + pio->size > ACRN_PCI_CONF_DATA + 4)
		return ACRN_PCI_CFG_PASS;

	if (!(addr & ACRN_PCI_CONF_ENABLE)) {
		if (pio->direction == ACRN_IOREQ_DIR_READ)
			pio->value = ~0U;
		return ACRN_PCI_CFG_DONE;
	}

	dir = pio->direction;
	size = pio->size;
	value = pio->value;
	memset(&req->reqs, 0, sizeof(req->reqs));
	req->type = ACRN_IOREQ_TYPE_PCICFG;
	pci->direction = dir;
	pci->size = size;
	pci->value = value;
	pci->bus = (addr >> 16) & 0xff;
	pci->dev = (addr >> 11) & 0x1f;
	pci->func = (addr >> 8) & 0x7;
	pci->reg = (addr & 0xfc) + ((addr >> 16) & 0xf00) +
		   (port - ACRN_PCI_CONF_DATA);
	return ACRN_PCI_CFG_CONVERTED;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_pci_cfg);

/**
 * acrn_ioreq_set_read_value() - answer a read in a request snapshot
 * @req:   The snapshot.
 * @value: The value the guest reads (port I/O keeps the low 32 bits).
 *
 * For the kernel's own answers and in-kernel clients' handlers.
 *
 * Context: Any context.
 */
void acrn_ioreq_set_read_value(struct acrn_io_request *req, u64 value)
{
	if (req->type == ACRN_IOREQ_TYPE_MMIO || req->type == ACRN_IOREQ_TYPE_WP)
		req->reqs.mmio_request.value = value;
	else
		req->reqs.pio_request.value = value;
}
EXPORT_SYMBOL_NS_GPL(acrn_ioreq_set_read_value, ACRN_HSM_NS);

/**
 * acrn_ioreq_is_read() - whether a request is a read
 * @req: The request.
 *
 * Context: Any context.
 * Return: true for a read, of any request type.
 */
bool acrn_ioreq_is_read(const struct acrn_io_request *req)
{
	/* direction is the first field of every request layout */
	return req->reqs.pio_request.direction == ACRN_IOREQ_DIR_READ;
}
EXPORT_SYMBOL_NS_GPL(acrn_ioreq_is_read, ACRN_HSM_NS);
