import { Dialog as DialogPrimitive } from 'radix-ui'
import type { ComponentProps } from 'react'
import { ModalContent } from './dialog'

/** A dialog that slides in from the left edge; used for the mobile navigation drawer. */
export const Sheet = DialogPrimitive.Root
export const SheetTrigger = DialogPrimitive.Trigger
export const SheetClose = DialogPrimitive.Close
export const SheetTitle = DialogPrimitive.Title
export const SheetDescription = DialogPrimitive.Description

export function SheetContent(props: ComponentProps<typeof DialogPrimitive.Content> & { closeLabel?: string }) {
  return (
    <ModalContent
      slot="sheet-content"
      surfaceClassName="fixed inset-y-0 left-0 z-50 flex h-full w-72 max-w-[85vw] flex-col gap-4 border-r bg-sidebar p-4 shadow-lg outline-none data-[state=open]:animate-slide-in-left"
      {...props}
    />
  )
}
