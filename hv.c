// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor backend: which hypervisor the HSM talks to.
 *
 * On an ACRN Service VM the backend is the real hypervisor, reached with
 * vmcall (hv_acrn.c) and chosen once at load. Everywhere else it is the
 * simulator, acrn_hvsim.ko, which may be loaded before or after this
 * module and unloaded whenever nothing uses it. The two modules share no
 * link-time symbols: when the simulator goes live this module looks up
 * the backend it exports, and when the simulator goes away it forgets it.
 *
 * Every open /dev/acrn_hsm and every VM holds a reference on the backend's
 * module (acrn_hv_get()), and every hypercall goes through the reference
 * its caller holds (hypercall.h), so no hypercall reads the current
 * backend.
 */

#include <linux/errno.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "acrn_drv.h"

/*
 * acrn_hv_lock protects acrn_hv_current, acrn_hv_native and
 * acrn_hv_closing.
 */
static DEFINE_MUTEX(acrn_hv_lock);
static const struct acrn_hv_backend *acrn_hv_current;
static bool acrn_hv_native;
static bool acrn_hv_closing;

/**
 * acrn_hv_errno() - turn a hypervisor answer into an errno
 * @ret:     Value a hypercall returned.
 * @refused: Errno for the hypervisor's generic refusal (-1). Its meaning
 *	     depends on the hypercall, so each caller says what it is.
 *
 * The hypervisor answers 0, -1 (refused: wrong VM state or a value it
 * rejects), -EINVAL (bad argument or unreadable memory) or -ENOTTY
 * (unknown hypercall, or a VM it does not manage). Returning these raw
 * would show userspace EPERM and ENOTTY, which mean something else for an
 * ioctl; Documentation/hsm.rst lists the mapping.
 *
 * Context: Any context.
 * Return: 0, @refused, -EINVAL, -ENODEV for -ENOTTY, or -EIO for anything
 * the hypervisor is not expected to answer.
 */
int acrn_hv_errno(long ret, int refused)
{
	switch (ret) {
	case 0:
		return 0;
	case ACRN_HV_REFUSED:
		return refused;
	case -EINVAL:
		return -EINVAL;
	case -ENOTTY:
		return -ENODEV;
	default:
		return -EIO;
	}
}
EXPORT_SYMBOL_IF_KUNIT(acrn_hv_errno);

/**
 * acrn_hv_call_copy() - issue a VM hypercall on a kernel copy of its argument
 * @vm:      The VM, whose backend and vmid the hypercall goes to.
 * @hcall:   hcall_*() wrapper taking the backend, the vmid and a Service VM
 *	     physical address.
 * @arg:     The argument.
 * @len:     Its size.
 * @refused: Errno for the hypervisor's refusal (-1), as for acrn_hv_errno().
 *
 * The hypervisor reads the argument by physical address, so it must live
 * in the direct map: a kmalloc()ed copy, never the caller's stack.
 *
 * Context: Process context.
 * Return: 0, -ENOMEM, or an errno from acrn_hv_errno().
 */
int acrn_hv_call_copy(struct acrn_vm *vm, acrn_vm_hcall_t hcall,
		      const void *arg, size_t len, int refused)
{
	void *copy;
	long ret;

	copy = kmemdup(arg, len, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	ret = hcall(vm->hv, vm->vmid, virt_to_phys(copy));
	kfree(copy);

	return acrn_hv_errno(ret, refused);
}

/**
 * acrn_hv_get() - take a reference on the current backend
 *
 * Context: Process context; takes acrn_hv_lock.
 * Return: The backend, or ERR_PTR(-ENODEV) when there is none or it is
 * going away.
 */
const struct acrn_hv_backend *acrn_hv_get(void)
{
	const struct acrn_hv_backend *hv;

	mutex_lock(&acrn_hv_lock);
	hv = acrn_hv_current;
	if (hv && !try_module_get(hv->owner))
		hv = NULL;
	mutex_unlock(&acrn_hv_lock);

	return hv ?: ERR_PTR(-ENODEV);
}

/**
 * acrn_hv_put() - drop a reference taken with acrn_hv_get()
 * @hv: The backend.
 *
 * Context: Any context.
 */
void acrn_hv_put(const struct acrn_hv_backend *hv)
{
	module_put(hv->owner);
}

static void acrn_hv_attach_sim(void)
{
	const struct acrn_hv_backend *hv;

	lockdep_assert_held(&acrn_hv_lock);
	if (acrn_hv_current || acrn_hv_closing)
		return;

	/*
	 * The reference __symbol_get() takes keeps the simulator from
	 * unloading until the pointer is published; once it is dropped,
	 * the simulator's going-away notification (which needs
	 * acrn_hv_lock) clears the pointer again before the module's memory
	 * is freed.
	 */
	hv = __symbol_get(ACRN_HVSIM_BACKEND_SYMBOL);
	if (!hv)
		return;
	WRITE_ONCE(acrn_hv_current, hv);
	__symbol_put(ACRN_HVSIM_BACKEND_SYMBOL);
	pr_info("using the %s backend\n", hv->name);
}

static void acrn_hv_detach(void)
{
	lockdep_assert_held(&acrn_hv_lock);
	if (!acrn_hv_current)
		return;
	pr_info("%s backend detached\n", acrn_hv_current->name);
	WRITE_ONCE(acrn_hv_current, NULL);
	acrn_hv_native = false;
}

static int acrn_hv_module_notify(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	struct module *mod = data;

	mutex_lock(&acrn_hv_lock);
	if (action == MODULE_STATE_LIVE && !acrn_hv_native &&
	    !strcmp(mod->name, ACRN_HVSIM_MODNAME))
		acrn_hv_attach_sim();
	else if (action == MODULE_STATE_GOING && acrn_hv_current &&
		 acrn_hv_current->owner == mod)
		acrn_hv_detach();
	mutex_unlock(&acrn_hv_lock);

	return NOTIFY_DONE;
}

static struct notifier_block acrn_hv_module_nb = {
	.notifier_call = acrn_hv_module_notify,
};

/**
 * acrn_hv_init() - pick the hypervisor backend
 *
 * Uses the real hypervisor when running as ACRN's privileged Service VM;
 * otherwise attaches the simulator now if it is loaded, or later when it
 * is. Having no backend is not an error: /dev/acrn_hsm then refuses to
 * open with -ENODEV.
 *
 * Context: Process context (module init).
 * Return: 0 or a negative errno.
 */
int acrn_hv_init(void)
{
	const struct acrn_hv_backend *native = acrn_hv_vmcall_probe();
	int ret;

	mutex_lock(&acrn_hv_lock);
	acrn_hv_closing = false;
	if (native) {
		acrn_hv_native = true;
		acrn_hv_current = native;
		pr_info("running on the ACRN hypervisor\n");
	}
	mutex_unlock(&acrn_hv_lock);

	/* Register before looking, so a simulator that goes live in between is not missed. */
	ret = register_module_notifier(&acrn_hv_module_nb);
	if (ret)
		return ret;

	mutex_lock(&acrn_hv_lock);
	if (!acrn_hv_native)
		acrn_hv_attach_sim();
	if (!acrn_hv_current)
		pr_info("no hypervisor yet: load acrn_hvsim or run on ACRN\n");
	mutex_unlock(&acrn_hv_lock);

	return 0;
}

/**
 * acrn_hv_exit() - forget the backend
 *
 * Context: Process context (module exit); no file or VM is left.
 */
void acrn_hv_exit(void)
{
	mutex_lock(&acrn_hv_lock);
	acrn_hv_closing = true;
	acrn_hv_detach();
	mutex_unlock(&acrn_hv_lock);

	unregister_module_notifier(&acrn_hv_module_nb);
}
