package dev.imageaudit.core;


/**
 * The format of an image, named from its bytes; {@link #id()} is the name in reports.
 *
 * <p>Names follow {@code qemu-img}'s where QEMU knows the format.
 */
public enum ImageFormat {
  /** No known header: the bytes are the disk. */
  RAW("raw"),
  /** QEMU copy-on-write version 1 (qcow magic, version 1). */
  QCOW("qcow"),
  /** QEMU copy-on-write versions 2 and 3, and a qcow magic whose version could not be read. */
  QCOW2("qcow2"),
  /** Android sparse image (libsparse, made by img2simg). */
  ANDROID_SPARSE("android-sparse"),
  /** crosvm composite disk: a list of component files laid out at offsets. */
  COMPOSITE("composite"),
  /** Zstandard-compressed disk (crosvm reads seekable zstd; virtmgr takes it as raw). */
  ZSTD("zstd"),
  /** VMware virtual disk: sparse extents (v3 COWD, v4 KDMV, streamOptimized) or a text descriptor. */
  VMDK("vmdk"),
  /** Virtual PC / Hyper-V VHD, dynamic or fixed (qemu's name: vpc). */
  VPC("vpc"),
  /** Hyper-V VHDX. */
  VHDX("vhdx"),
  /** VirtualBox disk image. */
  VDI("vdi"),
  /** QEMU enhanced disk. */
  QED("qed"),
  /** Parallels disk image. */
  PARALLELS("parallels"),
  /** LUKS-encrypted volume (versions 1 and 2). */
  LUKS("luks"),
  /** Bochs growing disk. */
  BOCHS("bochs"),
  /** Compressed loopback (cloop). */
  CLOOP("cloop"),
  /** Apple disk image (UDIF, koly trailer). */
  DMG("dmg"),
  /** ISO 9660 file system image (qemu-img calls it raw). */
  ISO9660("iso9660");

  private final String id;

  ImageFormat(String id) {
    this.id = id;
  }

  /** Returns the stable name used in reports, for example {@code android-sparse}. */
  public String id() {
    return id;
  }
}
