import FuzzChecks

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    FuzzChecks.json(Array(UnsafeRawBufferPointer(start: start, count: count)))
    return 0
}
