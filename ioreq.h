/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the I/O request files: ioreq.c (the request path: slots,
 * dispatch, completion, quiescing) and ioreq_client.c (clients and the
 * ranges they serve).
 */
#ifndef __ACRN_HSM_IOREQ_H
#define __ACRN_HSM_IOREQ_H

#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "acrn_drv.h"

/**
 * struct acrn_ioreq_range - an address range an in-kernel client serves
 * @node:  Entry in &acrn_ioreq_client.ranges.
 * @type:  ACRN_IOREQ_TYPE_PORTIO or ACRN_IOREQ_TYPE_MMIO.
 * @start: First address.
 * @end:   Last address (inclusive).
 */
struct acrn_ioreq_range {
	struct list_head	node;
	u32			type;
	u64			start;
	u64			end;
};

/**
 * struct acrn_ioreq_client - a consumer of a VM's I/O requests
 * @name:    Name, for messages.
 * @vm:	     The VM; valid while the client is not @dead (and until
 *	     acrn_ioreq_client_destroy() returns for in-kernel clients).
 * @node:    Entry in &acrn_vm.ioreq.kernel_clients (in-kernel clients).
 * @ranges:  Ranges served (in-kernel clients).
 * @handler: Request handler (in-kernel clients); NULL for the device
 *	     model's client.
 * @priv:    Owner's data.
 * @flags:   ACRN_IOREQ_CLIENT_*.
 * @pending: Slots handed to this client and not completed yet.
 * @dead:    Destroyed: no new requests, ATTACH returns -ENODEV.
 * @wq:	     ATTACH waiters (device model's client).
 * @work:    Runs deferred handlers (in-kernel clients).
 * @scratch: Copy of the request a deferred handler works on (only @work
 *	     uses it; the structure is too big and aligned for the stack).
 * @ref:     References: the VM's link, and each ATTACH in progress.
 *
 * @node, @ranges, @pending and @dead are protected by the VM's ioreq.lock.
 */
struct acrn_ioreq_client {
	char			name[16];
	struct acrn_vm		*vm;
	struct list_head	node;
	struct list_head	ranges;
	acrn_ioreq_handler_t	handler;
	void			*priv;
	unsigned int		flags;
	unsigned long		pending;
	bool			dead;
	wait_queue_head_t	wq;
	struct work_struct	work;
	struct acrn_io_request	*scratch;
	refcount_t		ref;
};

void acrn_ioreq_complete_unhandled(struct acrn_vm *vm, unsigned int i);
void acrn_ioreq_client_work(struct work_struct *work);
struct acrn_ioreq_client *acrn_ioreq_route(struct acrn_vm *vm,
					   const struct acrn_io_request *req);

#endif /* __ACRN_HSM_IOREQ_H */
