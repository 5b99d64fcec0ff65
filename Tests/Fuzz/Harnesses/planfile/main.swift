import FuzzChecks

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    FuzzChecks.planFile(Array(UnsafeRawBufferPointer(start: start, count: count)))
    return 0
}
