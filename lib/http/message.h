// The HTTP messages the listener and the routes exchange: Boost.Beast's
// request and response, the response's body being a SharedBody written as a
// scatter/gather buffer sequence (one buffer per piece, nothing joined).
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/optional/optional.hpp>
#include <cstdint>
#include <utility>
#include <vector>

#include "http/shared_body.h"

namespace flinkha {

// A Beast body type (BodyWriter only: responses are written, never parsed)
// over a SharedBodyPtr; null is an empty body.
struct SharedBodyType {
  using value_type = SharedBodyPtr;

  static std::uint64_t size(const value_type& body) {
    return body ? body->size : 0;
  }

  class writer {
   public:
    using const_buffers_type = std::vector<boost::asio::const_buffer>;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>&,
           const value_type& body)
        : body_(body) {}

    void init(boost::beast::error_code& ec) { ec = {}; }

    // Every piece at once: the serializer writes them after the head with
    // as few system calls as the socket allows.
    boost::optional<std::pair<const_buffers_type, bool>> get(
        boost::beast::error_code& ec) {
      ec = {};
      if (done_ || !body_ || body_->size == 0) return boost::none;
      done_ = true;
      const_buffers_type buffers;
      buffers.reserve(body_->pieces.size());
      for (const auto& piece : body_->pieces) {
        if (!piece->empty()) buffers.emplace_back(piece->data(), piece->size());
      }
      return std::make_pair(std::move(buffers), false);
    }

   private:
    const value_type& body_;
    bool done_ = false;
  };
};

using HttpRequest =
    boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<SharedBodyType>;

// One request and the response a handler fills in. The listener sets the
// version, Content-Length, Keep-Alive and Connection, and drops the body of
// a response to HEAD (its Content-Length stays that of the GET).
struct HttpExchange {
  HttpRequest request;
  HttpResponse response;
};

}  // namespace flinkha
