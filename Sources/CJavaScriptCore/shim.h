#ifndef AGENTSPANC_CJAVASCRIPTCORE_SHIM_H
#define AGENTSPANC_CJAVASCRIPTCORE_SHIM_H
#include <JavaScriptCore/JavaScript.h>

/// Exported by libjavascriptcoregtk but not declared in its public headers: bounds the run time of scripts
/// evaluated in contexts of `group`; `callback` returning true terminates the script.
typedef bool (*JSShouldTerminateCallback)(JSContextRef ctx, void *context);
void JSContextGroupSetExecutionTimeLimit(JSContextGroupRef group, double limit, JSShouldTerminateCallback callback, void *context);
void JSContextGroupClearExecutionTimeLimit(JSContextGroupRef group);
/// Exported but undeclared as well: an object describing the heap of `ctx`'s virtual machine (`heapSize`,
/// `heapCapacity`, `extraMemorySize`, … in bytes).
JSObjectRef JSGetMemoryUsageStatistics(JSContextRef ctx);
#endif
