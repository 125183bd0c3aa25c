/// A structurally valid MP4 (ISO/IEC 14496-12, brand `isom`) with one video track of a given
/// size and duration and no samples: `ftyp`, then `moov` with `mvhd` and a `trak` (`tkhd` with
/// the width and height, `mdia` with `mdhd`, `hdlr` `vide`, and `minf` with `vmhd`, `dinf` and an
/// empty `stbl`). It stands for a generated video: a player or parser reads its size and length;
/// there is no picture to decode. The same arguments give the same bytes (all times are 0).
enum EmptyMP4 {
    /// The movie header's time units per second (ms).
    static let movieTimescale: UInt32 = 1000
    /// The identity transformation matrix of `mvhd` and `tkhd` (§8.2.2.3).
    static let identityMatrix: [UInt32] = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000]
    /// `und` (undetermined) as `mdhd` packs ISO 639-2 codes: three 5-bit letters, each minus 0x60.
    static let undeterminedLanguage: UInt16 = (21 << 10) | (14 << 5) | 4

    static func bytes(width: Int, height: Int, seconds: Int, framesPerSecond: Int) -> [UInt8] {
        let movieDuration = UInt32(seconds) * movieTimescale
        let mediaTimescale = UInt32(framesPerSecond) * 1000
        var w = ISOBoxWriter()
        w.box("ftyp") { w in
            w.fourCC("isom")
            w.u32(0x200)
            for brand in ["isom", "iso2", "mp41"] { w.fourCC(brand) }
        }
        w.box("moov") { w in
            w.fullBox("mvhd") { w in
                w.u32(0); w.u32(0)                // creation, modification time
                w.u32(movieTimescale); w.u32(movieDuration)
                w.u32(0x0001_0000)                // rate 1.0
                w.u16(0x0100)                     // volume 1.0
                w.zeros(2 + 8)                    // reserved
                for value in identityMatrix { w.u32(value) }
                w.zeros(24)                       // pre_defined
                w.u32(2)                          // next_track_ID
            }
            w.box("trak") { w in
                w.fullBox("tkhd", flags: 0x3) { w in  // enabled, in movie
                    w.u32(0); w.u32(0)            // creation, modification time
                    w.u32(1)                      // track_ID
                    w.zeros(4)                    // reserved
                    w.u32(movieDuration)
                    w.zeros(8)                    // reserved
                    w.u16(0); w.u16(0); w.u16(0)  // layer, alternate_group, volume (0 for video)
                    w.zeros(2)                    // reserved
                    for value in identityMatrix { w.u32(value) }
                    w.u32(UInt32(width) << 16)    // 16.16 fixed point
                    w.u32(UInt32(height) << 16)
                }
                w.box("mdia") { w in
                    w.fullBox("mdhd") { w in
                        w.u32(0); w.u32(0)
                        w.u32(mediaTimescale); w.u32(UInt32(seconds) * mediaTimescale)
                        w.u16(undeterminedLanguage)
                        w.u16(0)                  // pre_defined
                    }
                    w.fullBox("hdlr") { w in
                        w.u32(0)                  // pre_defined
                        w.fourCC("vide")
                        w.zeros(12)               // reserved
                        w.cString("VideoHandler")
                    }
                    w.box("minf") { w in
                        w.fullBox("vmhd", flags: 0x1) { w in w.zeros(2 + 6) }  // graphicsmode, opcolor
                        w.box("dinf") { w in
                            w.fullBox("dref") { w in
                                w.u32(1)
                                w.fullBox("url ", flags: 0x1) { _ in }  // the media is in this file
                            }
                        }
                        w.box("stbl") { w in
                            w.fullBox("stsd") { w in w.u32(0) }          // no sample descriptions
                            w.fullBox("stts") { w in w.u32(0) }          // no samples ...
                            w.fullBox("stsc") { w in w.u32(0) }
                            w.fullBox("stsz") { w in w.u32(0); w.u32(0) } // sample_size, sample_count
                            w.fullBox("stco") { w in w.u32(0) }
                        }
                    }
                }
            }
        }
        return w.bytes
    }
}
