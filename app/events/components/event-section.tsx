// A titled section of the event page, labelled for screen readers.
export function Section({ title, id, children }: { title: string; id: string; children: React.ReactNode }) {
  return (
    <section className="mt-8" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="mb-2 text-base font-semibold text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}
