#include "client/cli/cli_media.h"

#include "client/phone/silent_media.h"

#include <QHostAddress>

namespace tipring::client {

Result<CallMediaFactory> make_cli_media_factory(const CliOptions& options) {
  const QHostAddress bind = options.bind_address.isEmpty() ? QHostAddress(QHostAddress::AnyIPv4)
                                                           : QHostAddress(options.bind_address);
  // Until the one-socket MediaSession lands, calls carry no audio: the socket is bound and
  // named in the SDP, and DTMF goes as SIP INFO.
  return CallMediaFactory([bind] { return SilentMedia::open(bind); });
}

}  // namespace tipring::client
