import { redirect } from "next/navigation";

/** The admin area has one screen so far. */
export default function AdminPage(): never {
  redirect("/admin/audit");
}
