#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of the C `errno`, for error messages.
func errnoText() -> String {
  guard let s = strerror(errno) else { return "errno \(errno)" }
  return String(cString: s)
}

/// Sleeps for `micros` microseconds (used by follow mode while waiting for data).
func sleepMicros(_ micros: Int) {
  var ts = timespec(tv_sec: micros / 1_000_000, tv_nsec: (micros % 1_000_000) * 1000)
  _ = nanosleep(&ts, nil)
}

/// A thread-safe boolean, so another thread can ask a blocking reader to stop.
final class StopFlag: @unchecked Sendable {
  private var mutex = pthread_mutex_t()
  private var value = false

  init() { pthread_mutex_init(&mutex, nil) }
  deinit { pthread_mutex_destroy(&mutex) }

  func set() {
    pthread_mutex_lock(&mutex)
    value = true
    pthread_mutex_unlock(&mutex)
  }

  var isSet: Bool {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return value
  }
}

/// libc `close`, callable from types that have their own `close()` method.
@discardableResult
func sysClose(_ fd: Int32) -> Int32 { close(fd) }

/// libc `connect`, callable from types that have their own `connect` method.
func sysConnect(_ fd: Int32, _ addr: UnsafePointer<sockaddr>?, _ len: socklen_t) -> Int32 { connect(fd, addr, len) }
