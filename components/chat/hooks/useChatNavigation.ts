"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import type { ChatNavigation } from "../client/core";

/** The app router as the chat client's navigation; one object for the component's life, whatever the router's identity. */
export function useChatNavigation(): ChatNavigation {
  const router = useRef(useRouter());
  const [navigation] = useState<ChatNavigation>(() => ({
    push: (path) => router.current.push(path),
    replace: (path) => router.current.replace(path),
    assign: (url) => window.location.assign(url),
  }));
  return navigation;
}
