"""What a host's system commands print: ``uname -a``, ``prtdiag`` (sun4u, sun4v, OPL and x86
layouts) and ``/etc/release``."""

from __future__ import annotations

from planner.domain.releases import find_update

from .hardware import ASSEMBLED, PRTDIAG_LINES, RELEASE_OF_KERNEL
from .spec import HostSpec

# --- uname, prtdiag ---------------------------------------------------------------------------


def etc_release(host: HostSpec) -> str:
    """/etc/release as Solaris writes it: the centred release line, copyright, Assembled."""
    update = find_update(host.release or RELEASE_OF_KERNEL.get(host.kernel, "8/11"))
    arch = "x86" if host.info.machine == "i86pc" else "sparc"
    prefix = "Oracle Solaris 10" if update.oracle else "Solaris 10"
    lines = [f"{prefix} {update.name} {update.build(arch)} {arch.upper()}".center(78).rstrip()]
    year = 2000 + int(update.name.split("/")[1])
    if update.oracle:
        lines.append(f"  Copyright (c) 1983, {year}, Oracle and/or its affiliates. All rights reserved.")
    else:
        lines.append(f"           Copyright {year} Sun Microsystems, Inc.  All Rights Reserved.")
        lines.append("                        Use is subject to license terms.")
    if update.name in ASSEMBLED:
        lines.append(f"Assembled {ASSEMBLED[update.name]}".center(78).rstrip())
    return "\n".join(lines) + "\n"


def uname(host: HostSpec) -> str:
    m = host.info
    return f"SunOS {host.hostname} 5.10 {host.kernel} {m.machine} {m.processor} {m.platform}\n"


def _memory_line(host: HostSpec) -> str:
    mb = host.memory_mb
    if host.info.prtdiag_style == "sun4u":
        return f"Memory size: {mb // 1024}GB        " if mb % 1024 == 0 else f"Memory size: {mb}MB"
    return f"Memory size: {mb} Megabytes"


def prtdiag(host: HostSpec) -> str:
    style = host.info.prtdiag_style
    if style == "sun4v":
        lines = _prtdiag_sun4v(host)
    elif style == "opl":
        lines = _prtdiag_opl(host)
    elif style == "x86":
        lines = _prtdiag_x86(host)
    else:
        lines = _prtdiag_sun4u(host)
    return "\n".join(lines[:PRTDIAG_LINES]) + "\n"


def _prtdiag_sun4u(host: HostSpec) -> list[str]:
    m = host.info
    lines = [
        f"System Configuration: {m.configuration}",
        f"System clock frequency: {m.clock}",
        _memory_line(host),
        "",
        "==================================== CPUs ====================================",
        "               E$          CPU                    CPU",
        "CPU  Freq      Size        Implementation         Mask    Status      Location",
        "---  --------  ----------  ---------------------  -----   ------      --------",
    ]
    for cpu in range(m.cpus):
        lines.append(f"{cpu:>3}  {m.cpu_mhz} MHz  1MB         {m.cpu:<23} 3.4    on-line     MB/P{cpu}")
    lines += [
        "",
        "================================= IO Devices =================================",
        "Bus     Freq  Slot +      Name +",
        "Type    MHz   Status      Path                          Model",
        "------  ----  ----------  ----------------------------  --------------------",
    ]
    for number in range(len(host.physical_nics)):
        lines += [
            "pci     66    MB          pci108e,1648 (network)",
            f"              okay        /pci@1c,600000/network@{2 + number // 2}{',1' if number % 2 else ''}",
            "",
        ]
    lines += [
        "pci     66    MB          scsi-pci1000,21 (scsi-2)      LSI,1010-66",
        "              okay        /pci@1c,600000/scsi@2",
        "",
        "pci     33    MB          isa/su (serial)",
        "              okay        /pci@1e,600000/isa@7/serial@0,3f8",
        "",
        "============================ Memory Configuration ============================",
        "Segment Table:",
        "-----------------------------------------------------------------------",
        "Base Address       Size       Interleave Factor  Contains",
        "-----------------------------------------------------------------------",
    ]
    per = max(host.memory_mb // 1024 // max(m.cpus, 1), 1)
    for cpu in range(m.cpus):
        lines.append(f"0x{cpu * 0x1000000000:<17x}{per}GB               4           GroupID 0")
    lines += [
        "",
        "Bank Table:",
        "-----------------------------------------------------------",
        "           Physical Location",
        "ID       ControllerID  GroupID   Size       Interleave Way",
        "-----------------------------------------------------------",
    ]
    bank = max(per * 1024 // 4, 256)
    for cpu in range(m.cpus):
        for way in range(4):
            lines.append(f"{cpu * 4 + way:<9}{cpu:<14}{way // 2:<10}{bank}MB      0,1,2,3")
    lines += [
        "",
        "Memory Module Groups:",
        "--------------------------------------------------",
        "ControllerID   GroupID  Labels         Status",
        "--------------------------------------------------",
    ]
    for cpu in range(m.cpus):
        for dimm in range(4):
            lines.append(f"{cpu:<15}{dimm // 2:<9}MB/P{cpu}/B{dimm // 2}/D{dimm % 2}    okay")
    return lines


def _prtdiag_sun4v(host: HostSpec) -> list[str]:
    m = host.info
    lines = [
        f"System Configuration: {m.configuration}",
        _memory_line(host),
        "",
        "================================ Virtual CPUs ================================",
        "",
        "CPU ID Frequency Implementation         Status",
        "------ --------- ---------------------- -------",
    ]
    for cpu in range(m.cpus):
        lines.append(f"{cpu:<6} {m.cpu_mhz} MHz  {m.cpu:<22} on-line  ")
    lines += [
        "",
        "======================= Physical Memory Configuration ========================",
        "Segment Table:",
        "--------------------------------------------------------------",
        "Base           Segment  Interleave   Bank     Contains",
        "Address        Size     Factor       Size     Modules",
        "--------------------------------------------------------------",
        f"0x0            {host.memory_mb // 1024 + 1} GB    4            "
        f"{max(host.memory_mb // 4096, 1)} GB     MB/CMP0/BR0/CH0/D0",
        "",
        "========================= IO Configuration =========================",
        "",
        "            IO",
        "Location    Type  Slot Path                                          Name"
        "                      Model",
    ]
    for number, nic in enumerate(host.physical_nics):
        function = f",{number}" if number else ""
        lines.append(
            f"IOBD/NET{number}   PCIE  IOBD /pci@780/pci@0/pci@1/network@0{function}"
            f"        {nic.driver:<25} SUNW,pcie-e1000g"
        )
    return lines


def _prtdiag_opl(host: HostSpec) -> list[str]:
    m = host.info
    lines = [
        f"System Configuration: {m.configuration}",
        f"System clock frequency: {m.clock}",
        _memory_line(host),
        "",
        "==================================== CPUs ====================================",
        "",
        "      CPU                 CPU                         Run    L2$    CPU   CPU ",
        "LSB   Chip                 ID                         MHz     MB    Impl. Mask",
        "---   ----  ----------------------------------------  ----   ---    ----- ----",
    ]
    for chip in range(max(m.cpus // 4, 1)):
        ids = ", ".join(f"{chip * 4 + i:>3}" for i in range(4))
        lines.append(f" 00     {chip}     {ids:<40}  {m.cpu_mhz}   5.0        6  146")
    lines += [
        "",
        "============================ Memory Configuration ============================",
        "",
        "       Memory  Available           Memory     DIMM    # of  Mirror  Interleave",
        "LSB    Group   Size                Status     Size    DIMMs Mode    Factor",
        "---    ------  ------------------  -------    ------  ----- ------- ----------",
        f" 00    A       {host.memory_mb // 2:>6}MB            okay       2048MB      8 no       8-way",
        f" 00    B       {host.memory_mb // 2:>6}MB            okay       2048MB      8 no       8-way",
        "",
        "========================= IO Devices =========================",
        "",
        "    IO                                                Lane/Frq",
        "LSB Type  LPID   RvID,DvID,VnID       BDF       State Act,  Max   Name"
        "                           Model",
        "--- ----- ----   ------------------   --------- ----- ----------- "
        "------------------------------ ----------------",
    ]  # fmt: skip
    for number, nic in enumerate(host.physical_nics):
        lines.append(
            f"00  PCIe  0      bc, 8532, 10b5      2,  0,  0  okay     8,    8  network-{nic.name:<22} N/A"
        )
        lines.append(f"00  PCIx  0       3, 1648, 14e4      4,  1,  {number}  okay   133,  133  network")
    lines += [
        "00  PCIx  0       2, 0050, 1000      4,  2,  0  okay   133,  133  scsi-pci1000,50"
        "                LSI,1064",
        "00  PCIe  0       1, 5220, 10b9     12,  0,  0  okay     1,    1  pci-pciex10b9,5249",
        "00  PCIx  0       2, 0050, 1000      4,  3,  0  okay   133,  133  scsi-pci1000,50"
        "                LSI,1064",
    ]  # fmt: skip
    while len(lines) < PRTDIAG_LINES + 5:
        lines.append(
            "00  PCIe  0      bc, 8532, 10b5      7,  0,  0  okay     8,    8  pci-pciexclass,060400"
            "         N/A"
        )
    return lines


def _prtdiag_x86(host: HostSpec) -> list[str]:
    m = host.info
    lines = [
        f"System Configuration: {m.configuration}",
        "BIOS Configuration: American Megatrends Inc. 0ABJX034 04/05/2007",
        "BMC Configuration: IPMI 1.5 (KCS: Keyboard Controller Style)",
        "",
        "==== Processor Sockets ====================================",
        "",
        "Version                          Location Tag",
        "-------------------------------- --------------------------",
    ]
    for socket in range(max(m.cpus // 2, 1)):
        lines.append(f"{m.cpu} CPU {socket + 1}")
    lines += [
        "",
        "==== Memory Device Sockets ================================",
        "",
        "Type    Status Set Device Locator      Bank Locator",
        "------- ------ --- ------------------- --------------------",
    ]
    for dimm in range(8):
        lines.append(f"DDR     in use 0   DIMM{dimm}               BANK{dimm}")
    lines += [
        "",
        "==== On-Board Devices =====================================",
        "LSI serial-ATA #1",
        "Gigabit Ethernet #1",
        "Gigabit Ethernet #2",
        "Gigabit Ethernet #3",
        "Gigabit Ethernet #4",
        "Video",
        "",
        "==== Upgradeable Slots ====================================",
        "",
        "ID  Status    Type             Description",
        "--- --------- ---------------- ----------------------------",
        "0   available PCI-X            PCIX SLOT0",
        "1   available PCI-X            PCIX SLOT1",
        "2   in use    PCI Express      PCIE SLOT2",
        "3   available PCI Express      PCIE SLOT3",
        "4   available PCI-X            PCIX SLOT4",
    ]
    return lines
