/* The message table behind include/pcbench/error.h. */
#include "pcbench/error.h"

const char *pcb_strerror(int err)
{
  switch (err) {
  case 0: return "success";
#define XX(name, val, msg) case PCB_##name: return msg;
  PCB_ERRNO_MAP(XX)
#undef XX
  }
  return "unknown error";
}

const char *pcb_errname(int err)
{
  switch (err) {
  case 0: return "OK";
#define XX(name, val, msg) case PCB_##name: return #name;
  PCB_ERRNO_MAP(XX)
#undef XX
  }
  return "EUNKNOWN";
}
