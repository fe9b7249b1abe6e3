// Bytes moved per op: what one execution of an op reads from and writes to device memory, as
// element counts by kind of tensor. The analysis turns elements into bytes with the dtype of each
// kind (activations: the op's dtype; weights: the module's parameter dtype; KV cache: the cache
// dtype) and divides FLOPs by bytes for the arithmetic intensity and the roofline.
//
// The model is one kernel per op with no cache reuse across ops (eager PyTorch): every input is
// read once, the output written once, and each weight read once per call whatever the number of
// rows (the weight tile is reused from on-chip memory across rows).
#pragma once

#include <span>
#include <string_view>

#include "model/count.h"
#include "model/op.h"

namespace calflops {

struct OpTraffic {
  Count act_read{};     ///< activation elements read
  Count weight_read{};  ///< parameter elements read (once per call)
  Count kv_read{};      ///< KV-cache elements read (attention's K and V)
  Count index_read{};   ///< int64 index elements read (embedding ids), 8 bytes each
  Count act_write{};    ///< elements written
  Count index_write{};  ///< int64 index elements written (top-k indices), 8 bytes each
};

struct OpTrafficDef {
  OpKind kind;
  std::string_view formula;  ///< one line: what is read and written
  OpTraffic (*count)(const Op&);
};

/// The traffic definition of one op kind.
const OpTrafficDef& GetTrafficDef(OpKind kind);
/// Every definition, in OpKind order; the table test checks that every kind has exactly one.
std::span<const OpTrafficDef> AllTrafficDefs();

}  // namespace calflops
